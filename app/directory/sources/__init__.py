"""The public sources a directory is synced from. Each reads its feed over HTTP and
answers records in the import shape; app/directory/sync.py plans and applies them."""
