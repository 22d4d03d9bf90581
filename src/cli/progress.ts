import { SingleBar } from 'cli-progress';

/** A progress bar on stderr when it is a terminal (silent otherwise, and with --json). */
export class Progress {
  private bar: SingleBar | null = null;

  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly unit = '',
  ) {}

  update(value: number, total: number, payload: Record<string, string | number> = {}): void {
    if (!this.enabled || !process.stderr.isTTY) return;
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: process.stderr,
        format: `${this.label} [{bar}] {percentage}% | {value}/{total}${this.unit} | {detail}`,
        hideCursor: true,
        clearOnComplete: false,
      });
      this.bar.start(total, 0, { detail: '' });
    }
    this.bar.setTotal(total);
    this.bar.update(value, { detail: '', ...payload });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
