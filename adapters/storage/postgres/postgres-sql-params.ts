/** SQL text and its positional parameters ($1...); values are never part of the text. */
export interface BuiltSql {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** The parameters of one statement as it is built: each value added gives its placeholder. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder, with a cast when given. */
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}
