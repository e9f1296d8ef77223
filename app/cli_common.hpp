// Helpers the emoscope-cli subcommands share (cli_*.cpp): exit codes, the
// image models of predict and eval, input lists, reports. Not thread-safe
// unless said; called from main()'s thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "cli_commands.hpp"
#include "cli_words.hpp"
#include "emoscope/classifier.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/pipeline.hpp"
#include "emoscope/recording_writer.hpp"

namespace emoscope::cli {

using ojson = nlohmann::ordered_json;

constexpr int kOk = 0;
constexpr int kInterrupted = 130;

// What predict and eval need: the model, on all cores unless --threads says
// otherwise (no detector thread runs beside inference), and a detector unless
// each image is already a face (whole-image mode).
struct ImageModels {
  std::unique_ptr<Classifier> classifier;
  std::unique_ptr<FaceDetector> detector;  // null in whole-image mode
};
Result<ImageModels> load_image_models(const RunOptions& run, bool whole_image);

ojson probabilities_json(const std::vector<std::string>& labels, const Probabilities& p);
int argmax(const Probabilities& p);
// Files and folders (walked for images, recursively) into files.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);
// Reads an image; an empty Mat plus a message when it cannot be decoded.
cv::Mat read_image(const std::string& path, std::string& error);
// JSON text that never throws: invalid UTF-8 (e.g. in a file name) becomes U+FFFD.
std::string json_text(const ojson& j, int indent = -1);
std::string writer_report(const RecordingWriter::Stats& s);
// The exit code for how a pipeline ended (a warning or error logged for failures).
int end_code(const PipelineEnd& end);
// Which BLAS the process really loaded, as the resolved path of libblas.so.3.
std::string loaded_blas();
// The most memory the process has held in RAM so far, MB.
double peak_rss_mb();
// analyze reads files: a camera name is a usage error that points to live.
MaybeError check_file_source(const std::string& path);

}  // namespace emoscope::cli
