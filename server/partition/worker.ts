/** Worker-thread entry: runs the pure partition engine on one sub-district's units. */
import { partition } from '../algorithms/partition';
import type { PartitionInput, PartitionOptions, PartitionResult } from '../algorithms/partition';
import { serveWorker } from '../workers/serve-worker';

export interface PartitionJobInput {
  input: PartitionInput;
  options: PartitionOptions;
}

void serveWorker<PartitionJobInput, PartitionResult>(({ input, options }, progress) => partition(input, options, progress));
