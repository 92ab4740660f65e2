import { invalid } from './errors.js';

/**
 * JSON numbers are read as doubles, which hold every integer up to 2^53 − 1 and round the ones
 * beyond (`1234567890123456789` becomes `1234567890123456800`). memtrace keeps the user's JSON
 * as given or refuses it: an integer written beyond this bound is refused, naming its field.
 * A number written with a fraction or an exponent (`0.1`, `1e300`) is a double by intent and
 * kept as one.
 */
export const MAX_EXACT_INTEGER = Number.MAX_SAFE_INTEGER;

/** One integer of a JSON text that a double cannot hold exactly. */
export interface InexactInteger {
  /** Where it is, as `metadata.ids[2]` (relative to the text's top-level object). */
  readonly path: string;
  /** The digits as written. */
  readonly literal: string;
}

const INTEGER = /^-?\d+$/;
const NUMBER_CHAR = /[-+.\deE]/;

type Frame = { array: false; key: string } | { array: true; index: number };

/**
 * The first integer literal of `text` (which must be valid JSON) beyond ±{@link MAX_EXACT_INTEGER},
 * or null. Walks the text once, without recursion, keeping the path of the current value.
 */
export function findInexactInteger(text: string): InexactInteger | null {
  const stack: Frame[] = [];
  let expectingKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectingKey && top && !top.array) {
        top.key = JSON.parse(text.slice(i, j + 1)) as string;
        expectingKey = false;
      }
      i = j + 1;
    } else if (c === '{') {
      stack.push({ array: false, key: '' });
      expectingKey = true;
      i++;
    } else if (c === '[') {
      stack.push({ array: true, index: 0 });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else expectingKey = true;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && NUMBER_CHAR.test(text[j] as string)) j++;
      const literal = text.slice(i, j);
      if (INTEGER.test(literal) && !Number.isSafeInteger(Number(literal))) {
        return { path: pathOf(stack), literal };
      }
      i = j;
    } else {
      i++;
    }
  }
  return null;
}

function pathOf(stack: readonly Frame[]): string {
  let path = '';
  for (const f of stack) {
    if (f.array) path += `[${f.index}]`;
    else path += path === '' ? f.key : `.${f.key}`;
  }
  return path;
}

/** Whether a parsed JSON value holds a number beyond ±{@link MAX_EXACT_INTEGER} anywhere. */
export function hasNumberBeyondExact(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (Math.abs(v) > MAX_EXACT_INTEGER) return true;
    } else if (typeof v === 'object' && v !== null) {
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return false;
}

/** The message for an integer that would not be kept exactly. */
export function inexactIntegerError(path: string, literal: string) {
  return invalid(
    `${path} must not contain integers beyond ±${MAX_EXACT_INTEGER} (2^53 − 1), which JSON ` +
      `numbers cannot keep exactly: send ${literal.slice(0, 40)} as a string`,
  );
}

/**
 * Refuses a JSON text (already parsed as `parsed`) that writes an integer beyond
 * ±{@link MAX_EXACT_INTEGER}: parsing rounded it, and storing the rounded value would silently
 * change the user's data. Scans the text only when the parsed value has such a number.
 * @param prefix put before the path in the message (`body`'s fields are named bare)
 * @throws DomainError `invalid` naming the field, as `metadata.discord_id`
 */
export function checkExactIntegers(text: string, parsed: unknown, prefix = ''): void {
  if (!hasNumberBeyondExact(parsed)) return;
  const found = findInexactInteger(text);
  if (found) throw inexactIntegerError(prefix + found.path, found.literal);
}

/**
 * Refuses a number beyond ±{@link MAX_EXACT_INTEGER} in a value whose JSON text is gone (a
 * protocol library parsed it): it may have been an integer that parsing rounded, and nothing
 * tells which. The message names the path, as `metadata.discord_id`. Walks without recursion.
 * @throws DomainError `invalid`
 */
export function checkNoRoundedNumbers(field: string, value: unknown): void {
  const stack: { path: string; value: unknown }[] = [{ path: field, value }];
  while (stack.length > 0) {
    const { path, value: v } = stack.pop() as { path: string; value: unknown };
    if (typeof v === 'number' && Math.abs(v) > MAX_EXACT_INTEGER) {
      throw inexactIntegerError(path, String(v));
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ path: `${path}[${i}]`, value: item }));
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v))
        stack.push({ path: `${path}.${key}`, value: child });
    }
  }
}
