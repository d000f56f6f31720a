/* Situation map data fetched by URL: DisasterMap.load(map, url, extra) draws the payload served
 * at ``url`` (GET /mapdata/<token>, see dashboard/maps/published.py) into ``map``.
 *
 * The page hands over only the URL, which changes exactly when the data does, and what is this
 * tab's own: ``extra.sel``, the areas it selected for a directive (outlined), and ``extra.seen``,
 * the minute this tab first showed this data (ages count on from there); the data itself
 * comes over HTTP (gzipped, kept by the browser: a token always names the same bytes). A newer
 * load wins over an older one still under way; a failed fetch is tried again for a while (the
 * page's next refresh publishes anew what the server no longer holds).
 *
 * streamlit-folium hands a click on a layer back to the app through a handler it puts on every
 * layer of the map right after it ran the data script; layers drawn later (after the fetch) get
 * the same handler here, taken from the data's feature group, which it always has.
 */
(function () {
  "use strict";
  if (!window.DisasterMap || window.DisasterMap.load) {
    return;
  }
  // Tries per URL and the pause between them: together longer than the map's refresh, after
  // which the server holds the data again if it had let it go.
  var TRIES = 10;
  var RETRY_MS = 3000;

  function withExtra(P, extra) {
    P.late = extra && extra.seen ? extra.seen - P.now : 0;
    var chosen = {};
    ((extra && extra.sel) || []).forEach(function (code) {
      chosen[code] = true;
    });
    if (P.areas && P.areas.features) {
      P.areas.features.forEach(function (feature) {
        if (chosen[feature.properties.code]) {
          feature.properties.sel = true;
        } else {
          delete feature.properties.sel;
        }
      });
    }
    return P;
  }

  function componentClickHandler() {
    var groups = window.feature_group || [];
    for (var i = 0; i < groups.length; i++) {
      var handlers = groups[i]._events && groups[i]._events.click;
      if (handlers && handlers.length) {
        return handlers[0].fn;
      }
    }
    return null;
  }

  function drawHooked(map, P) {
    var maps = window.DisasterMap;
    maps.draw(map, P);
    var onClick = componentClickHandler();
    if (onClick) {
      map.eachLayer(function (layer) {
        if (typeof layer.on === "function") {
          layer.off("click", onClick);
          layer.on("click", onClick);
        }
      });
    }
    // For whoever waits on it (a test before its first click on the map): the data is drawn,
    // and whether its layers answer a click.
    var box = map.getContainer();
    box.setAttribute("data-dm-drawn", "1");
    box.setAttribute("data-dm-clickable", onClick ? "1" : "0");
  }

  function fetchAndDraw(map, url, extra, want, tries) {
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("map data: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (P) {
        if (map.dmWanted === want) {
          map.dmData = { url: url, P: P };
          drawHooked(map, withExtra(P, extra));
        }
      })
      .catch(function (error) {
        if (map.dmWanted === want && tries < TRIES) {
          window.setTimeout(function () {
            if (map.dmWanted === want) {
              fetchAndDraw(map, url, extra, want, tries + 1);
            }
          }, RETRY_MS);
        } else if (window.console) {
          window.console.warn(error);
        }
      });
  }

  window.DisasterMap.load = function (map, url, extra) {
    var want = url + " " + JSON.stringify(extra || {});
    if (map.dmWanted === want) {
      return;
    }
    map.dmWanted = want;
    if (map.dmData && map.dmData.url === url) {  // only this tab's part changed: no fetch
      drawHooked(map, withExtra(map.dmData.P, extra));
      return;
    }
    fetchAndDraw(map, url, extra, want, 1);
  };
})();
