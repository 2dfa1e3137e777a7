/** Folder path helpers (Infisical folder paths are '/'-separated, '/' is the environment root). */

/** '/a//b/' → '/a/b'; 'a' → '/a'; '' → '/'. */
export function normalizeFolderPath(path: string | undefined): string {
  const segments = (path ?? '/').split('/').filter((s) => s.length > 0);
  return `/${segments.join('/')}`;
}

/** Parent of a normalized path; null for '/'. */
export function parentFolderPath(path: string): string | null {
  if (path === '/') return null;
  const idx = path.lastIndexOf('/');
  return idx <= 0 ? '/' : path.slice(0, idx);
}

/** Last segment of a normalized path; 'root' for '/' (like Infisical's root folder name). */
export function folderName(path: string): string {
  return path === '/' ? 'root' : path.slice(path.lastIndexOf('/') + 1);
}

/** Every ancestor of a normalized path including itself, root first. */
export function folderLineage(path: string): string[] {
  const result = ['/'];
  const segments = path.split('/').filter((s) => s.length > 0);
  for (let i = 1; i <= segments.length; i += 1) result.push(`/${segments.slice(0, i).join('/')}`);
  return result;
}

/** Matches an exact pathname or a prefix pattern ending with '*'. */
export function matchesPathPattern(pattern: string, pathname: string): boolean {
  if (pattern.endsWith('*')) return pathname.startsWith(pattern.slice(0, -1));
  return pattern === pathname;
}
