import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Shorter values could be part of anything (a time, a count): they are not looked for. */
const MIN_NEEDLE_LENGTH = 6;

/**
 * Removes from the quarantine files (<data-dir>/quarantine/*.ndjson: rejected input records, one per line)
 * the records that mention one of these values — an erased conversation's id, or one of the customer's
 * identifiers as stored or as given. Returns the records removed and the files changed.
 */
export async function eraseFromQuarantine(
  dataDir: string,
  values: readonly string[],
): Promise<{ records: number; files: number }> {
  const dir = path.join(dataDir, 'quarantine');
  const needles = [...new Set(values.map((v) => v.trim().toLowerCase()))].filter(
    (v) => v.length >= MIN_NEEDLE_LENGTH,
  );
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.ndjson'));
  } catch {
    return { records: 0, files: 0 };
  }
  const out = { records: 0, files: 0 };
  if (needles.length === 0) return out;
  for (const name of names) {
    const file = path.join(dir, name);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const kept = lines.filter((line) => {
      const text = line.toLowerCase();
      return !needles.some((n) => text.includes(n));
    });
    if (kept.length === lines.length) continue;
    out.records += lines.length - kept.length;
    out.files += 1;
    // Replaced whole: a reader never sees half a file.
    await writeFile(`${file}.tmp`, kept.join('\n'));
    await rename(`${file}.tmp`, file);
  }
  return out;
}
