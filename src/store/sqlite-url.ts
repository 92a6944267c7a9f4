/**
 * The file a `sqlite:` DATABASE_URL names, or null for another scheme: `sqlite:<path>`, `sqlite:///abs`,
 * and SQLite's own URI form `sqlite:file:<path>` (`file:///abs`, its `?options` left out), which would
 * otherwise be taken for a folder named `file:`.
 */
export function sqliteFilePath(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  let path = databaseUrl.slice('sqlite:'.length);
  const uri = /^file:(.*?)(?:\?.*)?$/.exec(path);
  if (uri) path = uri[1] ?? '';
  return path.replace(/^\/\/(?=\/)/, '');
}
