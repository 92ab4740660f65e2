/** A dependency-injection token that carries the port type it stands for. */
export type Token<T> = symbol & { readonly __port?: T };

/** Makes a token; `Symbol.for` so every module that names the same port gets the same symbol. */
export const token = <T>(name: string): Token<T> => Symbol.for(name) as Token<T>;
