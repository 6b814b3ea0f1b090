/* The public map: every municipality drawn with Leaflet from the GeoJSON
   endpoint, filled by its status with the palette of site.css (--status-*).
   Each element with data-map becomes a map; everything it needs comes from
   its data- attributes and from its legend (the labels, in the page's
   language). Without JavaScript the page shows the table instead. */
(function () {
  "use strict";

  var NETHERLANDS = [[50.75, 3.36], [53.56, 7.23]];

  function palette() {
    var style = getComputedStyle(document.documentElement);
    return function (name) {
      return style.getPropertyValue("--" + name).trim();
    };
  }

  // Status labels as the legend shows them: {adopted: "Motie aangenomen", ...}.
  function legendLabels(legend) {
    var labels = {};
    if (legend) {
      legend.querySelectorAll("[data-status]").forEach(function (item) {
        labels[item.dataset.status] = item.querySelector(".map-legend-label").textContent.trim();
      });
    }
    return labels;
  }

  function textElement(text) {
    var element = document.createElement("span");
    element.textContent = text;
    return element;
  }

  function createMap(container, small) {
    var options = container.dataset;
    var map = L.map(container, {
      zoomControl: false,
      attributionControl: !small,
      keyboard: !small,
      scrollWheelZoom: !small,
      zoomSnap: 0.25,
      minZoom: 5,
      maxZoom: 13
    });
    if (!small) {
      L.control.zoom({ zoomInTitle: options.labelZoomIn, zoomOutTitle: options.labelZoomOut }).addTo(map);
    }
    if (options.tileUrl) {
      L.tileLayer(options.tileUrl, { attribution: options.tileAttribution }).addTo(map);
    }
    return map;
  }

  function follow(url, target) {
    if (target) {
      window.open(url, target, "noopener");
    } else {
      window.location.assign(url);
    }
  }

  // Hover and keyboard focus show the name and status; click and Enter open the page.
  function makeInteractive(layer, label, small, target, pages) {
    // The page's own language: /gemeenten/<slug>/ or /en/gemeenten/<slug>/.
    var url = pages ? pages + layer.feature.properties.slug + "/" : layer.feature.properties.url;
    layer.bindTooltip(textElement(label), { sticky: true, direction: "top" });
    layer.on("click", function () { follow(url, target); });
    var path = layer.getElement();
    if (small || !path) {
      return;
    }
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "link");
    path.setAttribute("aria-label", label);
    path.addEventListener("focus", function () {
      layer.openTooltip(layer.getBounds().getCenter());
    });
    path.addEventListener("blur", function () { layer.closeTooltip(); });
    path.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        follow(url, target);
      }
    });
  }

  function connectProvinceSelect(map, layer, container) {
    var wrapper = document.querySelector('[data-map-province="' + container.id + '"]');
    if (!wrapper) {
      return;
    }
    var select = wrapper.querySelector("select");
    wrapper.hidden = false;
    select.addEventListener("change", function () {
      var bounds = L.latLngBounds([]);
      layer.eachLayer(function (shape) {
        if (!select.value || shape.feature.properties.province === select.value) {
          bounds.extend(shape.getBounds());
        }
      });
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [12, 12] });
      }
    });
  }

  function draw(container, data) {
    var options = container.dataset;
    var small = options.variant === "small";
    var colour = palette();
    var labels = legendLabels(document.getElementById(options.legend));
    var tiles = Boolean(options.tileUrl);
    var map = createMap(container, small);
    var layer = L.geoJSON(data, {
      attribution: options.attribution,
      style: function (feature) {
        return {
          fillColor: colour("status-" + feature.properties.status) || colour("status-none"),
          fillOpacity: tiles ? 0.75 : 1,
          color: colour("bg") || "#ffffff",
          weight: small ? 0.5 : 0.8,
          opacity: 1
        };
      }
    }).addTo(map);
    // The first view of the map: Leaflet draws the shapes now, without animation.
    map.fitBounds(layer.getBounds().isValid() ? layer.getBounds() : NETHERLANDS);
    layer.eachLayer(function (shape) {
      var properties = shape.feature.properties;
      var label = properties.name + ": " + (labels[properties.status] || properties.status_label);
      makeInteractive(shape, label, small, options.linkTarget, options.municipalitiesUrl);
    });
    if (!small) {
      connectProvinceSelect(map, layer, container);
    }
  }

  function showError(container) {
    container.textContent = "";
    var message = document.createElement("p");
    message.className = "map-fallback";
    message.textContent = container.dataset.labelError;
    container.appendChild(message);
  }

  function init(container) {
    if (container.dataset.variant === "small") {
      container.setAttribute("role", "img");
      container.setAttribute("aria-label", container.dataset.labelMap);
    }
    container.textContent = "";
    fetch(container.dataset.geojsonUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status + " " + response.statusText);
        }
        return response.json();
      })
      .then(function (data) {
        draw(container, data);
        container.dataset.ready = "true";
      }, function () {
        showError(container);
      });
  }

  document.querySelectorAll("[data-map]").forEach(init);
})();
