"""sitemap.xml and robots.txt for search engines."""
