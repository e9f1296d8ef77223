// emoscope-cli: headless face-emotion analysis. Documented in docs/cli.md.
#include <cerrno>
#include <cstring>
#include <iostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli_commands.hpp"
#include "emoscope/error.hpp"
#include "emoscope/file_checks.hpp"
#include "emoscope/frame_source.hpp"
#include "cli_words.hpp"
#include "emoscope/version.hpp"

namespace {

// The log file is created user-only (0600) and must be a regular file: never a
// symlink, FIFO or device. spdlog then appends to it.
std::string prepare_log_file(const std::string& path) {
  if (auto error = emoscope::check_output_path(path)) return error->message;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot write '" + path + "': " + std::strerror(errno);
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (regular) ::fchmod(fd, 0600);
  ::close(fd);
  return regular ? std::string() : "cannot write '" + path + "': not a regular file";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace emoscope::cli;
  CLI::App app{"Emoscope: facial emotions in images, videos and live cameras"};
  app.set_version_flag("--version", std::string("emoscope-cli ") + emoscope::version());
  app.footer("Every command, option and exit code is documented in docs/cli.md, installed as "
             "share/doc/emoscope/docs/cli.md (/usr/share/doc/emoscope/docs/cli.md from the Debian package).");
  app.require_subcommand(1);
  app.fallthrough();  // --log-level/--log-file work before or after the subcommand
  CliOptions o;
  const CliCommands commands = add_cli_options(app, o);
  const std::string& log_file = o.log_file;
  const std::string& log_level = o.log_level;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    const int code = app.exit(err);
    return code == 0 ? 0 : emoscope::cli::exit_code(emoscope::ErrorCode::kUsage);
  }

  emoscope::set_max_image_pixels(static_cast<std::uint64_t>(o.max_megapixels * 1e6));
  if (!log_file.empty()) {
    if (const std::string error = prepare_log_file(log_file); !error.empty()) {
      std::cerr << "error: " << error << "\n";
      return emoscope::cli::exit_code(emoscope::ErrorCode::kOutputNotWritable);
    }
  }
  try {
    auto console = spdlog::stderr_color_mt("emoscope");
    if (!log_file.empty()) {
      console->sinks().push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file, false));
    }
    spdlog::set_default_logger(console);
    spdlog::set_level(spdlog::level::from_str(log_level));
    // OpenCV's own chatter (e.g. V4L2 probing) only at debug level: our
    // messages already say what went wrong.
    const bool verbose = log_level == "debug" || log_level == "trace";
    cv::utils::logging::setLogLevel(verbose ? cv::utils::logging::LOG_LEVEL_INFO
                                            : cv::utils::logging::LOG_LEVEL_ERROR);
  } catch (const spdlog::spdlog_ex& ex) {
    std::cerr << "error: cannot open log file '" << log_file << "': " << ex.what() << "\n";
    return emoscope::cli::exit_code(emoscope::ErrorCode::kOutputNotWritable);
  }

  install_interrupt_handler();
  if (commands.predict->parsed()) return run_predict(o.run, o.predict);
  if (commands.analyze->parsed()) return run_analyze(o.run, o.analyze);
  if (commands.eval->parsed()) return run_eval(o.run, o.eval);
  if (commands.bench->parsed()) return run_bench(o.run, o.bench);
  if (commands.live->parsed()) return run_live(o.run, o.live);
  if (commands.batch->parsed()) return run_batch_command(o.run, o.batch);
  if (commands.merge->parsed()) return run_merge(o.merge);
  if (commands.report->parsed()) return run_report(o.report);
  if (commands.people_add->parsed()) return run_people_add(o.run, o.people);
  if (commands.people_list->parsed()) return run_people_list(o.run, o.people);
  if (commands.people_remove->parsed()) return run_people_remove(o.run, o.people);
  return emoscope::cli::exit_code(emoscope::ErrorCode::kUsage);
}
