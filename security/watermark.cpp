#include "security/watermark.hpp"

#include <algorithm>
#include <memory>

#include "imaging/canvas.hpp"
#include "security/spread_spectrum_mark.hpp"

namespace lgw::security {

std::optional<std::string> watermarkImage(std::string_view imageBytes, const WatermarkText& t, const MarkKey& key) {
    auto canvas = imaging::Canvas::decode(imageBytes);
    if (!canvas) return std::nullopt;
    // A FreeType face is not thread-safe, and each Font has a library and a face of its own: one per
    // thread that draws (the pool's few threads), so decode, draw and encode run side by side.
    thread_local std::unique_ptr<imaging::Font> font;
    if (!font) font = std::make_unique<imaging::Font>(imaging::findCjkFont());

    int w = canvas->width(), h = canvas->height();
    int size = std::max(14, std::min(w, h) / 22);  // legible on an A4 scan and on a phone photo
    std::string line1 = std::string(kWatermarkPurpose) + "  " + t.applicationId;
    std::string line2 = t.caller + "  " + t.time + "  " + t.downloadId;
    const imaging::Rgb ink{200, 30, 30};
    // Tiles on a grid that follows the 30° baseline: `along` steps run with the text, `across`
    // steps stack rows under it, half a tile shifted per row, so no two tiles touch.
    const double c30 = 0.8660254, s30 = 0.5;
    // Each line rendered once, then drawn on every tile (FreeType's rasteriser was most of the cost).
    const imaging::TextRun run1 = imaging::renderText(*font, line1, size, 30);
    const imaging::TextRun run2 = imaging::renderText(*font, line2, size * 2 / 3, 30);
    int along = std::max(canvas->textWidth(*font, line1, size), canvas->textWidth(*font, line2, size * 2 / 3)) + size * 3;
    int across = size * 5;
    int dx = size * 7 / 10, dy = size * 6 / 5;  // the second line, under the first: (sin 30°, cos 30°)
    int reach = (w + h) / std::min(along, across) + 2;
    for (int j = -reach; j <= reach; ++j) {
        for (int i = -reach; i <= reach; ++i) {
            double a = (i + (j % 2 ? 0.5 : 0.0)) * along, b = j * static_cast<double>(across);
            int x = static_cast<int>(w / 2 + a * c30 + b * s30), y = static_cast<int>(h / 2 - a * s30 + b * c30);
            if (x < -along || x > w + size || y < -size * 2 || y > h + along) continue;
            canvas->drawRun(run1, x, y, ink, 70);
            canvas->drawRun(run2, x + dx, y + dy, ink, 60);
        }
    }
    // Last, so that the visible text carries the invisible mark too.
    if (auto payload = payloadFromDownloadId(t.downloadId)) embedMark(*canvas, *payload, key);
    return canvas->encodePng();
}

}  // namespace lgw::security
