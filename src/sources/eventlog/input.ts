import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../records.ts';

/** An event-log file opened for streaming: its size and its text in chunks (gzip undone, BOM dropped). */
export interface OpenedInput {
  size: number;
  chunks: AsyncIterable<string>;
}

/**
 * Opens a file, gzip-compressed or not (told by its first bytes), as UTF-8 text chunks.
 * `onProgress` is told how many bytes of the file itself were read so far, and its size.
 */
export async function openInput(
  file: string,
  onProgress: (bytesRead: number, bytesTotal: number) => void,
): Promise<OpenedInput> {
  const info = await stat(file).catch((error: unknown) => {
    throw new InputError(fileError(file, error));
  });
  if (info.isDirectory()) throw new InputError(`${file}: is a directory, a file was expected`);
  const gzipped = await isGzip(file);
  let bytesRead = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytesRead += chunk.length;
      onProgress(bytesRead, info.size);
      done(null, chunk);
    },
  });
  const raw = createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(counter);
  const stream = gzipped ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding('utf8');
  return { size: info.size, chunks: withoutBom(stream, file) };
}

async function* withoutBom(stream: NodeJS.ReadableStream, file: string): AsyncGenerator<string> {
  let first = true;
  try {
    for await (const chunk of stream) {
      let text = chunk as string;
      if (first) {
        text = text.replace(/^\uFEFF/, '');
        first = false;
      }
      if (text.length) yield text;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
      throw new InputError(`${file}: not a valid gzip file: ${(error as Error).message}`);
    throw error;
  }
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new InputError(fileError(file, error));
  });
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function fileError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${file}: no such file`;
  if (code === 'EACCES') return `${file}: permission denied`;
  return `${file}: ${(error as Error).message}`;
}

/** Dataset names: a letter or digit, then letters, digits, `.`, `_` or `-` (up to 128 characters). */
export const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The dataset of the Genesys-derived event log: never a generic import's. */
export const RESERVED_DATASET = 'default';

/** A dataset name from a file name: extensions (.csv, .xes, .gz …) dropped, other characters made `-`. */
export function datasetNameFromFile(file: string): string {
  const base = path.basename(file).replace(/(\.(csv|tsv|txt|xes|xml|gz))+$/i, '');
  const name = base
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 128);
  return name || 'eventlog';
}

/** Checks a dataset name given by the user (or made from a file name); throws InputError. */
export function checkDatasetName(name: string): string {
  if (name.toLowerCase() === RESERVED_DATASET) {
    throw new InputError(
      `dataset name '${name}' is reserved for the Genesys event log; choose another name (--dataset NAME)`,
    );
  }
  if (!DATASET_NAME.test(name)) {
    throw new InputError(
      `dataset name '${name}' is not valid: use letters, digits, '.', '_' and '-' (starting with a letter or digit, at most 128 characters)`,
    );
  }
  return name;
}
