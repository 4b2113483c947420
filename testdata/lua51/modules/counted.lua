load_count = (load_count or 0) + 1
return { count = load_count }
