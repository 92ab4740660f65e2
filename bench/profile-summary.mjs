// Summarises V8 CPU profiles (node --cpu-prof; `run.mjs --profile` writes one per server process):
// the functions with the most self time, and self time per package / memtrace folder.
//   node bench/profile-summary.mjs <file.cpuprofile | folder> [--top 25]
/* global console, process */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const target = args[0];
const top = Number(args[args.indexOf('--top') + 1] || 25);
if (!target) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile | folder> [--top 25]');
  process.exit(2);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(target, f))
  : [target];

/** Where a script lives: a package, memtrace's own folder, or node's internals. */
function owner(url) {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = /\/(domain|adapters|src)\/(.*)$/.exec(url);
  if (m) return `memtrace ${m[1]}/${m[2]}`;
  return url;
}

for (const file of files) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const total = (prof.endTime - prof.startTime) / 1000;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfMs = new Map();
  // timeDeltas[i] is the time before sample i: charge it to that sample's node.
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
  }
  const fn = new Map();
  const pkg = new Map();
  let busy = 0;
  for (const [id, ms] of selfMs) {
    const { callFrame: c } = byId.get(id);
    if (c.functionName === '(idle)' || c.functionName === '(program)') continue;
    busy += ms;
    const where = c.url ? `${owner(c.url)}:${c.lineNumber + 1}` : owner(c.url);
    const key = `${c.functionName || '(anonymous)'}  ${where}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    // memtrace's files grouped by folder (adapters by adapter)
    const o = owner(c.url).replace(/^(memtrace (?:adapters\/[^/]+|[^/]+)).*$/, '$1');
    pkg.set(o, (pkg.get(o) ?? 0) + ms);
  }
  // Inclusive time: a node's self time plus its descendants', charged once per function per stack.
  const parent = new Map();
  for (const node of prof.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const incl = new Map();
  for (const [id, ms] of selfMs) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { callFrame: c } = byId.get(cur);
      if (!c.url || c.functionName === '(idle)' || c.functionName === '(program)') continue;
      const key = `${c.functionName || '(anonymous)'}  ${owner(c.url)}:${c.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + ms);
    }
  }
  const line = (ms, label) =>
    `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${label}`;
  console.log(
    `\n${path.basename(file)}: ${total.toFixed(0)} ms profiled, ${busy.toFixed(0)} ms busy (not idle)`,
  );
  console.log('\nself time by package / folder:');
  for (const [k, ms] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(line(ms, k));
  console.log(`\ntop ${top} functions by self time:`);
  for (const [k, ms] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(ms, k));
  console.log(`\ntop ${top} of memtrace's own functions by inclusive time (self + callees):`);
  for (const [k, ms] of [...incl]
    .filter(([k]) => k.includes('memtrace '))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    console.log(line(ms, k));
  }
}
