// Names inside counter buckets (`<dim>/<name>/<version>|<status>`): the characters the stores use
// as separators (`/`, `|`, `,`) never appear in one, and it is bounded in length.

/** `s` with every character other than letters, digits, `.`, `_`, `-` replaced by `_`, cut to `max`. */
export function bucketName(s: string, max = 64): string {
  return s.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, max);
}
