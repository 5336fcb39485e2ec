// STUB — replaced by the embedded store implementation.
import type { Backend } from '../backend.ts';
import type { Store } from '../types.ts';
export function createEmbeddedStore(_backend: Extract<Backend, { kind: 'embedded' }>): Store {
  throw new Error('embedded store not implemented yet');
}
