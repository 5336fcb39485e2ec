// Records decoded from what a store kept carry only the optional fields that were stored: a field
// that is absent stays absent (not `undefined`), so records compare and serialise alike whichever
// store they came from.

/** `record` without its fields that are undefined (a new object; the field names are the code's own). */
export function definedFields<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
