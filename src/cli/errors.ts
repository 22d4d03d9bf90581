/** Bad usage or input that names what is wrong: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
