"""sitemap.xml in parts when the site outgrows one: a sitemap may list at most 50,000 addresses.

An archive of 50,000 claims has more than 60,000 pages. Search engines ignore a sitemap over the
limit (sitemaps.org), so above it the theme's sitemap is written as `sitemap-1.xml`,
`sitemap-2.xml`, ... and `sitemap.xml` becomes the sitemap index that lists them. robots.txt
names `sitemap.xml` either way. Each part keeps the pages' order and `<lastmod>` dates; the
index dates each part by the newest of its pages, and gives no date to a part without any.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.etree

from generator.output import write_atomically

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
URLS_PER_FILE = 50_000
"""The most addresses one sitemap may list."""
PART = re.compile(r"sitemap-[0-9]+\.xml")


def split(text: str, site: Path, site_url: str) -> str:
    """The sitemap.xml to publish for the sitemap `text`; writes its parts into `site`.

    Parts that an earlier build of a larger site left in `site` are removed.
    """
    for stale in site.glob("sitemap-*.xml"):
        if PART.fullmatch(stale.name):
            stale.unlink()
    if text.count("<loc>") <= URLS_PER_FILE:
        return text  # one address a <loc>: no need to parse the sitemap of a smaller site
    urls = list(lxml.etree.fromstring(text.encode("utf-8")))
    index = lxml.etree.Element(f"{{{NAMESPACE}}}sitemapindex", nsmap={None: NAMESPACE})
    for number, start in enumerate(range(0, len(urls), URLS_PER_FILE), start=1):
        chunk = urls[start : start + URLS_PER_FILE]
        part = lxml.etree.Element(f"{{{NAMESPACE}}}urlset", nsmap={None: NAMESPACE})
        part.extend(chunk)
        name = f"sitemap-{number}.xml"
        write_atomically(site / name, _document(part))
        entry = lxml.etree.SubElement(index, f"{{{NAMESPACE}}}sitemap")
        lxml.etree.SubElement(entry, f"{{{NAMESPACE}}}loc").text = site_url + name
        dates = [url.findtext(f"{{{NAMESPACE}}}lastmod") for url in chunk]
        newest = max((date for date in dates if date), default=None)
        if newest is not None:
            lxml.etree.SubElement(entry, f"{{{NAMESPACE}}}lastmod").text = newest
    return _document(index).decode("utf-8")


def _document(root: lxml.etree._Element) -> bytes:
    lxml.etree.indent(root)
    text: bytes = lxml.etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return text + b"\n"
