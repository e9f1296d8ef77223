// Resources: the files Emoscope ships (the emotion models and the YuNet face
// detector), found at run time relative to the running executable. No source
// or data path is compiled into a binary.
//
// The data root is a folder holding models/ (*.pt) and detectors/ (YuNet):
//  1. $EMOSCOPE_DATA_DIR when set and non-empty, used as given;
//  2. else the nearest <dir>/share/emoscope that is a folder, for <dir> one and
//     then two levels above the executable's folder (/proc/self/exe, links
//     resolved). Installed: <prefix>/bin/emoscope-cli finds
//     <prefix>/share/emoscope. Build tree: CMake links
//     build/<preset>/share/emoscope/{models,detectors} to models/ and
//     resources/detectors/, found from build/<preset>/app/ and tests/.
// The default emotion model is $EMOSCOPE_MODEL when set, else
// <root>/models/kDefaultModelFile; the --model option overrides both.
// Errors have code kModel and say where was looked and how to override it.
// No caching (reads the environment and /proc on each call): call when
// loading, not per frame. Thread-safe.
#pragma once

#include <string>

#include "emoscope/error.hpp"

namespace emoscope {

// The one place that names the shipped default emotion model (in models/).
inline constexpr char kDefaultModelFile[] = "happy_neutral_sad.pt";
// The default face-embedding model (in models/): HSE's faceres MobileNet, models/faceres.md,
// chosen by measurement on every group of faces the shared data holds (docs/people.md).
inline constexpr char kEmbedderModelFile[] = "faceres.pt";
// The other shipped one: dlib's ResNet, models/face_embedder.md (faster; weaker on East Asian faces).
inline constexpr char kDlibEmbedderModelFile[] = "face_embedder.pt";
// The shipped YuNet face detector (in detectors/), OpenCV model zoo, MIT.
inline constexpr char kYuNetModelFile[] = "face_detection_yunet_2022mar.onnx";

// Absolute path of the running executable; empty when it cannot be read.
std::string executable_path();

// The data root (see above). Error when $EMOSCOPE_DATA_DIR is unset and no
// share/emoscope folder is found near the executable.
Result<std::string> data_dir();

// <data root>/<folder>/<file>; error when the root is not found or the file
// is not there.
Result<std::string> shipped_file(const std::string& folder, const std::string& file);

// $EMOSCOPE_MODEL when set (as given: loading reports a missing file), else
// the shipped models/kDefaultModelFile.
Result<std::string> default_model_path();

// The shipped models/kEmbedderModelFile.
Result<std::string> default_embedder_path();

// Where the known-people gallery (people.hpp) lives unless the user names a
// file: $XDG_DATA_HOME/emoscope/people.json, else ~/.local/share/emoscope/people.json.
// Only `emoscope-cli people add` and the app's "Save people" write it.
std::string default_people_gallery_path();

// The shipped detectors/kYuNetModelFile.
Result<std::string> default_yunet_model_path();

}  // namespace emoscope
