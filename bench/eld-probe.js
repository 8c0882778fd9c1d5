// Preloaded into the stall scenario's gateway (node --import bench/eld-probe.js): measures the
// event-loop delay with perf_hooks and answers the bench over the IPC channel, so the gateway's
// own code carries no bench hook. Messages: { eld: 'reset' } and { eld: 'read' }.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
const ms = (ns) => ns / 1e6;

if (process.send) {
  process.on('message', (message) => {
    if (message?.eld === 'reset') {
      histogram.reset();
      process.send({ eld: 'reset' });
    } else if (message?.eld === 'read') {
      process.send({
        eld: 'read',
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
      });
    }
  });
  // The channel must not keep the gateway alive after SIGTERM.
  process.channel?.unref();
}
