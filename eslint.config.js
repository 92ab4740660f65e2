import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** The one adapter-level module every adapter may import: the API's wire shapes, the storage bundle. */
const SHARED_ADAPTER_MODULE = 'wire';

/**
 * The adapter a file under adapters/ belongs to: `http`, `mcp`, `metrics`, `wire`, ... and for
 * storage `storage/sqlite`, `storage/arc`, ... (each driver its own), or `storage` for the files
 * directly under adapters/storage/ that the drivers share.
 */
function adapterOf(rel) {
  const parts = rel.split('/');
  if (parts[1] !== 'storage') return parts[1];
  return parts.length > 3 ? `storage/${parts[2]}` : 'storage';
}

/**
 * Whether adapter `own` may import a file of adapter `other`: its own files, the shared module,
 * and for a storage driver the files the drivers share.
 */
function adapterMayImport(own, other) {
  if (other === own || other === SHARED_ADAPTER_MODULE) return true;
  return other === 'storage' && own.startsWith('storage/');
}

/**
 * The dependency rule, checked on resolved paths so relative imports cannot slip past it:
 * domain/ imports only domain/ (and no packages); adapters/ import the domain only through
 * domain/index.js and never src/, test/ or another adapter, except the one shared adapter-level
 * module adapters/wire/ (which itself imports no other adapter); src/ and test/ import anything.
 */
const layers = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const file = path.relative(ROOT, context.filename);
    const layer = file.split('/')[0];
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const report = (message) => context.report({ node, message });
      if (!source.startsWith('.')) {
        if (layer === 'domain') report(`The domain is pure: it may not import '${source}'.`);
        return;
      }
      const target = path.relative(ROOT, path.resolve(path.dirname(context.filename), source));
      const targetLayer = target.split('/')[0];
      if (layer === 'domain' && targetLayer !== 'domain') {
        report('The domain imports only the domain.');
      }
      if (layer === 'adapters') {
        if (targetLayer === 'src' || targetLayer === 'test') {
          report('Adapters never import the composition root or tests.');
        }
        if (targetLayer === 'domain' && target !== 'domain/index.js') {
          report("Adapters import the domain through 'domain/index.js'.");
        }
        const own = adapterOf(file);
        const other = adapterOf(target);
        if (targetLayer === 'adapters' && !adapterMayImport(own, other)) {
          report(
            `Adapters never import each other, only adapters/${SHARED_ADAPTER_MODULE}/ ('${own}' imports '${other}').`,
          );
        }
      }
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};

/** The project's own `.ts` file a relative specifier names (`./x.js` is `x.ts`), or null. */
function resolveImport(from, source) {
  if (!source.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), source);
  // .mjs: the file itself (the tests import the benchmark's modules); `<file>.mjs/index.ts` would
  // make statSync throw ENOTDIR.
  const candidates = base.endsWith('.js')
    ? [`${base.slice(0, -3)}.ts`]
    : base.endsWith('.ts') || base.endsWith('.mjs')
      ? [base]
      : [`${base}.ts`, path.join(base, 'index.ts')];
  const inside = (file) => {
    const rel = path.relative(ROOT, file);
    return !rel.startsWith('..') && !rel.split(path.sep).includes('node_modules');
  };
  return (
    candidates.find(
      (file) => inside(file) && fs.statSync(file, { throwIfNoEntry: false })?.isFile(),
    ) ?? null
  );
}

/**
 * The import graph as it is on disk, one entry per file read (kept while the file's mtime and
 * size stay the same, so one `eslint .` reads each file once and a long-lived linter sees edits).
 */
const importsOnDisk = new Map();
function importsOf(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return [];
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const cached = importsOnDisk.get(file);
  if (cached?.stamp === stamp) return cached.targets;
  // The TypeScript pre-processor lists every specifier (static, re-export, dynamic, type-only
  // and `import('...')` types) and skips comments and strings, without a full parse.
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const targets = [
    ...new Set(importedFiles.map((f) => resolveImport(file, f.fileName)).filter(Boolean)),
  ];
  importsOnDisk.set(file, { stamp, targets });
  return targets;
}

/** The shortest chain of imports on disk from `start` to `goal` (both included), or null. */
function chain(start, goal) {
  const cameFrom = new Map([[start, null]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    if (file === goal) {
      const found = [];
      for (let at = file; at !== null; at = cameFrom.get(at)) found.unshift(at);
      return found;
    }
    for (const next of importsOf(file)) {
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return null;
}

/**
 * No import circles among the project's own files: an import is reported when the file it names
 * leads back, through imports on disk, to the file that imports it. Type-only imports count: they
 * vanish from the emitted JavaScript, but the two modules still cannot be read, moved or changed
 * apart, which is what a circle costs (the shared declaration belongs in a module of its own).
 * Dynamic `import()` counts as well, for the same reason.
 */
const noCycles = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const self = context.filename;
    if (!self.endsWith('.ts') || path.relative(ROOT, self).startsWith('..')) return {};
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const target = resolveImport(self, source);
      const back = target === null ? null : chain(target, self);
      if (back === null) return;
      const circle = [self, ...back].map((file) => path.relative(ROOT, file)).join(' -> ');
      context.report({ node, message: `'${source}' closes an import circle: ${circle}.` });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
      TSImportType: (n) => check(n, n.argument.literal?.value),
    };
  },
};

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    plugins: { memtrace: { rules: { layers, 'no-cycles': noCycles } } },
    rules: {
      'memtrace/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: [
      'domain/**/*.ts',
      'adapters/**/*.ts',
      'src/**/*.ts',
      'test/**/*.ts',
      'integrations/**/*.ts',
    ],
    rules: { 'memtrace/no-cycles': 'error' },
  },
);
