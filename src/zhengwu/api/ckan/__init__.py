"""A CKAN-compatible action API (read-only) over the public catalogue, publications and statistics.

Point a CKAN client or harvester at the site itself: it calls <site>/api/3/action/<action> or <site>/api/action/<action>
(ckanapi's RemoteCKAN), by GET or by POST. See docs/api.md for the mapping of our records to datasets and resources.
"""
