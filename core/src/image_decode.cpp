// Image decoding behind the pixel cap (frame_source.hpp): each format's
// header is read for the size it declares before any pixel is decoded, and a
// truncated file is refused rather than shown half grey.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iterator>

#include <opencv2/imgcodecs.hpp>

#include "emoscope/file_checks.hpp"
#include "emoscope/frame_source.hpp"

namespace emoscope {
namespace {

Error unreadable(const std::string& what) { return {ErrorCode::kInputUnreadable, what}; }

std::atomic<std::uint64_t> g_max_pixels{kDefaultMaxImagePixels};

// The image formats Emoscope decodes, and the size each one's header declares,
// read before any pixel is decoded so the pixel cap holds for every file (a
// 1 KB file can claim gigapixels). Other formats OpenCV knows (Sun raster,
// Radiance HDR, JPEG 2000, PAM, ...) are refused rather than decoded unchecked.
struct Declared {
  const char* format = nullptr;  // null: not a format we decode
  std::int64_t width = 0, height = 0;  // 0 when the header is too short to say
};

Declared declared_size(const std::vector<unsigned char>& b) {
  const std::size_t n = b.size();
  const auto at = [&](std::size_t i) -> std::int64_t { return i < n ? b[i] : 0; };
  const auto be16 = [&](std::size_t i) { return (at(i) << 8) | at(i + 1); };
  const auto le16 = [&](std::size_t i) { return at(i) | (at(i + 1) << 8); };
  const auto be32 = [&](std::size_t i) { return (be16(i) << 16) | be16(i + 2); };
  const auto le32 = [&](std::size_t i) { return le16(i) | (le16(i + 2) << 16); };
  const auto starts = [&](const char* magic, std::size_t offset = 0) {
    const std::size_t len = std::strlen(magic);
    return n >= offset + len && std::memcmp(b.data() + offset, magic, len) == 0;
  };
  if (starts("\x89PNG\r\n\x1a\n")) return {"PNG", be32(16), be32(20)};
  if (starts("BM")) {
    const std::int64_t h = le32(22);
    return {"BMP", le32(18), h >= (1LL << 31) ? (1LL << 32) - h : h};  // negative height: top-down rows
  }
  if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
    for (std::size_t i = 2; i + 9 < n;) {
      if (b[i] != 0xFF) {
        ++i;
        continue;
      }
      const int marker = b[i + 1];
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
        return {"JPEG", be16(i + 7), be16(i + 5)};  // SOFn: P, Y (height), X (width)
      if (marker == 0xFF || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        i += marker == 0xFF ? 1 : 2;
        continue;
      }
      i += 2 + static_cast<std::size_t>(be16(i + 2));
    }
    return {"JPEG", 0, 0};
  }
  if (starts("II*") || starts("MM")) {  // TIFF: the first image file directory
    const bool le = b[0] == 'I';
    if (!le && !starts("MM\0*")) return {};
    const auto u16 = [&](std::size_t i) { return le ? le16(i) : be16(i); };
    const auto u32 = [&](std::size_t i) { return le ? le32(i) : be32(i); };
    const std::size_t ifd = static_cast<std::size_t>(u32(4));
    Declared d{"TIFF", 0, 0};
    const std::int64_t entries = u16(ifd);
    for (std::int64_t e = 0; e < entries && e < 4096; ++e) {
      const std::size_t entry = ifd + 2 + static_cast<std::size_t>(e) * 12;
      if (entry + 12 > n) break;
      const std::int64_t tag = u16(entry), type = u16(entry + 2);
      const std::int64_t value = type == 3 ? u16(entry + 8) : u32(entry + 8);
      if (tag == 256) d.width = value;
      if (tag == 257) d.height = value;
    }
    return d;
  }
  if (starts("RIFF") && starts("WEBP", 8)) {
    if (starts("VP8 ", 12)) return {"WebP", le16(26) & 0x3FFF, le16(28) & 0x3FFF};
    if (starts("VP8L", 12)) {
      const std::int64_t bits = le32(21);
      return {"WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
    }
    if (starts("VP8X", 12)) return {"WebP", (le32(24) & 0xFFFFFF) + 1, (le32(27) & 0xFFFFFF) + 1};
    return {"WebP", 0, 0};
  }
  if (n >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(b[2])) {  // PBM/PGM/PPM
    // Tokenised exactly as OpenCV's PxM reader does: a '#' comment (to the end of the
    // line) only where a number may start, and the character that ends a number is
    // consumed with it, so "3332#303333" reads as 3332 then 303333 (fuzz_image_decode).
    std::int64_t dims[2] = {0, 0};
    std::size_t i = 2;
    for (std::int64_t& v : dims) {
      while (i < n && !std::isdigit(b[i])) {
        if (b[i] == '#') {
          while (i < n && b[i] != '\n' && b[i] != '\r') ++i;
          ++i;
        } else if (std::isspace(b[i])) {
          ++i;
        } else {
          return {"PNM", 0, 0};  // OpenCV refuses it too
        }
      }
      while (i < n && std::isdigit(b[i]) && v < (1LL << 32)) v = v * 10 + (b[i++] - '0');
      ++i;  // the terminating character
    }
    return {"PNM", dims[0], dims[1]};
  }
  return {};
}

std::string megapixels(std::uint64_t pixels) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f MP", static_cast<double>(pixels) / 1e6);
  return buf;
}

// libjpeg and libpng fill a truncated file's missing part with grey and only
// warn; a file must end with its format's end marker (trailing bytes allowed).
std::string truncation_problem(const std::vector<unsigned char>& bytes) {
  const auto tail_has = [&](std::initializer_list<unsigned char> marker, std::size_t tail) {
    const std::size_t from = bytes.size() > tail ? bytes.size() - tail : 0;
    return std::search(bytes.begin() + static_cast<long>(from), bytes.end(), marker.begin(), marker.end()) !=
           bytes.end();
  };
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    if (!tail_has({0xFF, 0xD9}, 4096)) return "truncated JPEG (no end-of-image marker)";
  } else if (bytes.size() >= 8 && bytes[0] == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
    if (!tail_has({'I', 'E', 'N', 'D'}, 4096)) return "truncated PNG (no IEND chunk)";
  }
  return {};
}

}  // namespace

void set_max_image_pixels(std::uint64_t pixels) { g_max_pixels = pixels > 0 ? pixels : kDefaultMaxImagePixels; }

std::uint64_t max_image_pixels() { return g_max_pixels; }

std::string max_image_pixels_text() { return megapixels(g_max_pixels); }

Result<cv::Mat> read_image_file(const std::string& path) {
  if (MaybeError s = check_input_file(path, ErrorCode::kInputUnreadable)) return *s;
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(path + ": cannot be opened for reading");
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return decode_image_bytes(bytes, path);
}

Result<cv::Mat> decode_image_bytes(const std::vector<unsigned char>& bytes, const std::string& path) {
  if (bytes.empty()) return unreadable(path + ": empty file (0 bytes)");
  if (std::string why = truncation_problem(bytes); !why.empty()) return unreadable(path + ": " + why);
  const Declared declared = declared_size(bytes);
  if (!declared.format) return unreadable(path + ": not an image format Emoscope reads (JPEG, PNG, BMP, TIFF, WebP, PNM)");
  if (declared.width <= 0 || declared.height <= 0)
    return unreadable(path + ": " + declared.format + " header does not give the image size (corrupt or truncated)");
  if (static_cast<std::uint64_t>(declared.width) * static_cast<std::uint64_t>(declared.height) > g_max_pixels) {
    return about(Setting::kMaxImagePixels,
                 unreadable(path + ": image of " + std::to_string(declared.width) + "x" +
                            std::to_string(declared.height) + " is larger than the pixel cap of " +
                            megapixels(g_max_pixels)));
  }
  cv::Mat image;
  try {
    image = cv::imdecode(bytes, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    const std::string what = e.what();
    return unreadable(path + ": cannot decode (" + what.substr(0, what.find('\n')) + ")");
  }
  if (image.empty()) return unreadable(path + ": not an image OpenCV can decode (corrupt or another format)");
  return image;
}

}  // namespace emoscope
