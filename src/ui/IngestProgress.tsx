/**
 * Progress of the files being read and hashed, with Cancel. Subscribes to the ingest store on its
 * own, so the per-file updates re-render this line only, never the map.
 */
import { cancelIngest, useIngest } from "../io/ingest";
import { human } from "./format";

export function IngestProgress({ fallback }: { fallback: string }) {
  const progress = useIngest((s) => s.progress);
  if (!progress) return <span>{fallback}</span>;
  const { done, total, bytesDone, bytesTotal } = progress;
  return (
    <span className="inline-flex items-center gap-1.5" data-testid="ingest-progress">
      <progress className="h-1.5 w-24" aria-label="Files read" max={total} value={done} />
      <span>
        {total === 1
          ? fallback
          : `Reading ${done} of ${total} files (${human(bytesDone)} of ${human(bytesTotal)})…`}
      </span>
      <button
        type="button"
        className="h-5 rounded border border-line bg-panel-2 px-1.5 text-[11px] text-ink hover:border-muted"
        onClick={cancelIngest}
      >
        Cancel
      </button>
    </span>
  );
}
