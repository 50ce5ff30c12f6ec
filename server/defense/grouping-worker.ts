/** Worker-thread entry: the automatic grouping of shops (CPU-heavy) off the server's event loop. */
import { serveWorker } from '../workers/serve-worker';
import { computeGrouping, type GroupingJobInput } from './metrics';

void serveWorker((input: GroupingJobInput, progress) => {
  progress(0.1, 'grouping');
  return computeGrouping(input);
});
