#pragma once
// A blank page of any size encoded by Leptonica (PNG, TIFF G4, …): the cheapest way to send a
// page of a shape no scanner makes (82000 x 100) without its pixel data costing anything.
#include <leptonica/allheaders.h>

#include <string>

namespace lgw::testing {

inline std::string blankPage(int width, int height, int format) {
    Pix* p = pixCreate(width, height, 1);
    l_uint8* data = nullptr;
    size_t size = 0;
    pixWriteMem(&data, &size, p, format);
    std::string out(reinterpret_cast<char*>(data), size);
    lept_free(data);
    pixDestroy(&p);
    return out;
}

}  // namespace lgw::testing
