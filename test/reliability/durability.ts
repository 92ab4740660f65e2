import { runDurability } from '../support/durability-run.js';
import { runForgetDurability } from '../support/forget-durability-run.js';
import { SERVER_DRIVERS } from '../support/server-drivers.js';

/**
 * `npm run durability [-- <kills> <driver>]`: SIGKILLs a real server ≥ 20 times per driver
 * (every driver that can run here, or only the one named) while it writes, then as many times
 * inside a large forget.
 */
const kills = Number(process.argv[2] ?? 25);
const only = process.argv[3];
let failed = false;
for (const driver of SERVER_DRIVERS.filter((d) => only === undefined || d.name === only)) {
  if (!driver.enabled) {
    console.log(`${driver.name}: skipped (${driver.reason})`);
    continue;
  }
  const started = Date.now();
  const f = await runDurability(driver, kills, (line) => console.log(`${driver.name}: ${line}`));
  console.log(
    `${driver.name}: kills survived ${f.kills}, acknowledged memories ${f.acked}, lost ${f.lost}, ` +
      `altered ${f.altered}, in-flight writes at kills ${f.inFlight}, partial batches ${f.partialBatches} ` +
      `(${Math.round((Date.now() - started) / 1000)} s)`,
  );
  if (f.lost + f.altered + f.partialBatches > 0) failed = true;
  const g = await runForgetDurability(driver, kills, (line) =>
    console.log(`${driver.name} forget: ${line}`),
  );
  console.log(
    `${driver.name} forget: kills survived ${g.kills}, deletes acknowledged ${g.deletesAcked}, ` +
      `forgets acknowledged ${g.forgetsAcked}, forgets killed in flight ${g.forgetsInFlight} ` +
      `(${g.inFlightDone} found wholly done), resurrected ${g.resurrected}, ` +
      `partial forgets ${g.partialForgets}, lost ${g.lost}`,
  );
  if (g.resurrected + g.partialForgets + g.lost > 0) failed = true;
}
process.exit(failed ? 1 : 0);
