// File-system checks where paths enter the app: what an input or output path is
// before anything opens it, a folder walk that never throws, and free disk space.
// Special files (FIFOs, devices, sockets) are refused up front: reading one can
// block forever, and writing one can damage the system (/dev/null replaced by a
// regular file). Free functions; thread-safe. Sizes are bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emoscope/error.hpp"

namespace emoscope {

// An input must exist and be a regular file (symlinks are followed). The error
// carries `code` and says what the path is instead ("a FIFO", "a folder", ...).
MaybeError check_input_file(const std::string& path, ErrorCode code);

// An output must be a new path in an existing folder, or an existing regular
// file that is not a symlink. Error kOutputNotWritable otherwise.
MaybeError check_output_path(const std::string& path);

// A path's extension, lower-cased, with its dot (".mp4"); empty when none.
std::string lower_extension(const std::string& path);
// By extension: the image formats OpenCV decodes here.
bool is_image_path(const std::string& path);
// By extension: the video containers FFmpeg reads that a folder walk picks up
// (batch); any file can still be opened as a video by naming it.
bool is_video_path(const std::string& path);

// Image files (is_image_path) in `folder`, and in its sub-folders when
// `recursive`, sorted. Entries that cannot be read (no permission, symlink
// loops, vanished files, special files) are skipped with a warning each.
std::vector<std::string> find_images(const std::string& folder, bool recursive);

// Images and videos (is_image_path, is_video_path) in `folder` and its
// sub-folders, sorted; unreadable entries skipped as find_images does.
std::vector<std::string> find_media(const std::string& folder);

// Sub-folders of `folder` (one level), sorted; unreadable entries are skipped.
std::vector<std::string> find_subfolders(const std::string& folder);

// Bytes free to an unprivileged writer on the file system holding `path`
// (or its folder when `path` does not exist yet); UINT64_MAX when unknown.
std::uint64_t free_bytes(const std::string& path);

}  // namespace emoscope
