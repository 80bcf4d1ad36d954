// Sizes for a person, one unit system everywhere (the extension and glcr): decimal SI units, powers of
// 1,000, as the Docker CLI prints them ("198.7 MB"). JSON keeps the exact byte count.

/** "198.7 MB", "4.20 kB", "512 B"; undefined when the size is unknown. */
export function formatSize(bytes: number | null | undefined): string | undefined {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return undefined;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
