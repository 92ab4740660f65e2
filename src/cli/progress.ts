import { SingleBar, Presets } from 'cli-progress';
import { noProgress, type Progress } from './org-transfer.js';

/**
 * A progress bar on stderr when stderr is a terminal; nothing otherwise (pipes and CI get the
 * one-line summary the command prints at the end).
 */
export function progressFor(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return noProgress;
  const bar = new SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} records | {duration}s`,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0),
    increment: (by = 1) => bar.increment(by),
    stop: () => bar.stop(),
  };
}
