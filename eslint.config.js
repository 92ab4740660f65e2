import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** The adapter a file belongs to: `http`, `logging`, `system`, `storage/sqlite`, ... */
function adapterOf(rel) {
  const parts = rel.split('/');
  if (parts[0] !== 'adapters' || parts.length < 3) return null;
  if (parts[1] !== 'storage') return parts[1];
  // Files directly under adapters/storage/ (the StorageBundle type) are shared by every driver.
  return parts.length > 3 ? `storage/${parts[2]}` : null;
}

/**
 * The dependency rule, checked on resolved paths so relative imports cannot slip past it:
 * domain/ imports only domain/ (and no packages); adapters/ import the domain only through
 * domain/index.js and never src/, test/ or another adapter; src/ and test/ import anything.
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
        if (targetLayer === 'adapters' && other !== null && other !== own) {
          report(`Adapters never import each other ('${own}' imports '${other}').`);
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

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    plugins: { memtrace: { rules: { layers } } },
    rules: {
      'memtrace/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
