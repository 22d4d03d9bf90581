import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * PGlite has no guard against two processes (or two instances in one process) opening one data
 * directory, and two writers would corrupt it. A lock file holding the owner's pid keeps it to one; a lock
 * left by a process that no longer runs is taken over.
 */
export function lockDirectory(lockFile: string, what: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      const who = owner === process.pid ? 'this process (opened twice)' : `process ${owner}`;
      throw new Error(`${what} is in use by ${who} (lock file ${lockFile})`);
    }
    rmSync(lockFile, { force: true });
  }
  throw new Error(`could not take the lock file ${lockFile}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
