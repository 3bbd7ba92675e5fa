// A source's page once held every passage; links to "#p<id>" on it now go to the
// passage's own reading page, which the server finds (keeping the query string).
(function () {
  "use strict";
  const match = /^#p(\d+)$/.exec(window.location.hash);
  if (match) window.location.replace(`/passages/${match[1]}/${window.location.search}`);
})();
