#include "emoscope/file_checks.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <spdlog/spdlog.h>


namespace emoscope {
namespace fs = std::filesystem;
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

// A directory entry's kind without throwing; false (and a warning) when it cannot be read.
bool entry_is(const fs::directory_entry& entry, bool want_dir) {
  std::error_code ec;
  const fs::file_status st = entry.status(ec);  // follows symlinks: a loop gives ELOOP
  if (ec) {
    spdlog::warn("{}: skipped ({})", entry.path().string(), ec.message());
    return false;
  }
  return want_dir ? fs::is_directory(st) : fs::is_regular_file(st);
}

}  // namespace

MaybeError check_input_file(const std::string& path, ErrorCode code) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Error{code, path + ": " + (errno == ENOENT ? std::string("no such file") : std::strerror(errno))};
  }
  if (!S_ISREG(st.st_mode)) return Error{code, path + ": is " + kind_of(st.st_mode) + ", not a file"};
  return std::nullopt;
}

MaybeError check_output_path(const std::string& path) {
  const auto refuse = [&](const std::string& why) {
    return Error{ErrorCode::kOutputNotWritable, "cannot write '" + path + "': " + why};
  };
  if (path.empty()) return refuse("empty path");
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) return refuse("is a symbolic link; give the real path or a new one");
    if (!S_ISREG(st.st_mode)) return refuse(std::string("is ") + kind_of(st.st_mode) + ", not a regular file");
    return std::nullopt;
  }
  if (errno != ENOENT) return refuse(std::strerror(errno));
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) return refuse("folder does not exist");
  return std::nullopt;
}

namespace {

// Regular files in `folder` (and below when `recursive`) whose path passes `want`, sorted.
std::vector<std::string> find_files(const std::string& folder, bool recursive, bool (*want)(const std::string&)) {
  std::vector<std::string> found;
  std::error_code ec;
  const auto options = fs::directory_options::skip_permission_denied;
  const auto keep = [&](const fs::directory_entry& e) {
    if (want(e.path().string()) && entry_is(e, false)) found.push_back(e.path().string());
  };
  if (recursive) {
    fs::recursive_directory_iterator it(folder, options, ec), end;
    // Without follow_directory_symlink the iterator never descends into a folder
    // link, so a link to an ancestor cannot loop.
    for (; !ec && it != end; it.increment(ec)) keep(*it);
  } else {
    fs::directory_iterator it(folder, options, ec), end;
    for (; !ec && it != end; it.increment(ec)) keep(*it);
  }
  if (ec) spdlog::warn("{}: listing stopped early ({})", folder, ec.message());
  std::sort(found.begin(), found.end());
  return found;
}

bool is_media_path(const std::string& path) { return is_image_path(path) || is_video_path(path); }

}  // namespace

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool is_image_path(const std::string& path) {
  static const char* kExts[] = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm"};
  const std::string ext = lower_extension(path);
  return std::any_of(std::begin(kExts), std::end(kExts), [&](const char* e) { return ext == e; });
}

bool is_video_path(const std::string& path) {
  static const char* kExts[] = {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".flv", ".mpg",
                                ".mpeg", ".ts", ".mts", ".m2ts", ".3gp", ".ogv", ".mxf"};
  const std::string ext = lower_extension(path);
  return std::any_of(std::begin(kExts), std::end(kExts), [&](const char* e) { return ext == e; });
}

std::vector<std::string> find_images(const std::string& folder, bool recursive) {
  return find_files(folder, recursive, is_image_path);
}

std::vector<std::string> find_media(const std::string& folder) { return find_files(folder, true, is_media_path); }

std::vector<std::string> find_subfolders(const std::string& folder) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (entry_is(*it, true)) found.push_back(it->path().string());
  }
  if (ec) spdlog::warn("{}: listing stopped early ({})", folder, ec.message());
  std::sort(found.begin(), found.end());
  return found;
}

std::uint64_t free_bytes(const std::string& path) {
  struct statvfs vfs {};
  std::string at = path;
  if (::statvfs(at.c_str(), &vfs) != 0) {
    at = fs::path(path).parent_path().string();
    if (at.empty()) at = ".";
    if (::statvfs(at.c_str(), &vfs) != 0) return std::numeric_limits<std::uint64_t>::max();
  }
  return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

}  // namespace emoscope
