#include "emoscope/ui/batch_queue.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMetaObject>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include "emoscope/file_checks.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/settings.hpp"

namespace emoscope::ui {

// ---------------------------------------------------------------------------
// Choosing the folders

QString default_batch_output(const QString& folder, const AppSettings& settings) {
  const QString dir = QDir(folder).absolutePath();
  if (!settings.batch_input_dir.isEmpty() && !settings.batch_output_dir.isEmpty() &&
      QDir(settings.batch_input_dir).absolutePath() == dir)
    return settings.batch_output_dir;
  const QFileInfo info(dir);
  if (info.fileName().isEmpty()) return QDir::homePath() + "/emoscope-batch";  // the root folder
  return info.absolutePath() + "/" + info.fileName() + "-emoscope";
}

bool ask_batch_folders(QWidget* parent, const AppSettings& settings, QString* folder, QString* out_dir) {
  *folder = QFileDialog::getExistingDirectory(parent, BatchQueue::tr("Open folder: analyse every video and image in it"),
                                              settings.last_open_dir);
  if (folder->isEmpty()) return false;
  const QString proposed = default_batch_output(*folder, settings);
  // The dialog can only offer a folder that exists: make the proposed one, and
  // take it away again (only while empty) when another is chosen.
  const bool made = !QFileInfo::exists(proposed) && QDir().mkpath(proposed);
  *out_dir = QFileDialog::getExistingDirectory(parent, BatchQueue::tr("Save the results in"), proposed);
  if (made && (out_dir->isEmpty() || QDir(*out_dir).absolutePath() != QDir(proposed).absolutePath()))
    QDir().rmdir(proposed);
  return !out_dir->isEmpty();
}

// ---------------------------------------------------------------------------
// Progress from the worker threads

struct BatchQueue::Shared {
  struct News {
    bool started = false;
    long total = -1;
    long processed = -1;  // -1: no news
    std::optional<BatchItem> ended;
  };
  std::mutex mutex;
  std::map<std::string, int> row_of;  // key -> row; fixed before the run starts
  std::map<int, News> news;           // rows changed since the last refresh
  bool refresh_pending = false;
};

class BatchQueue::Observer final : public BatchObserver {
 public:
  Observer(BatchQueue* queue, std::shared_ptr<Shared> shared) : queue_(queue), shared_(std::move(shared)) {}

  void on_item_start(const BatchInput& input, long frames_total) override {
    note(input.key, [&](Shared::News& n) {
      n.started = true;
      n.total = frames_total;
      n.processed = 0;
    });
  }
  void on_item_frames(const BatchInput& input, long processed) override {
    note(input.key, [&](Shared::News& n) { n.processed = processed; });
  }
  void on_item_end(const BatchItem& item) override {
    note(item.input.key, [&](Shared::News& n) { n.ended = item; });
  }

 private:
  // Records the news and posts one refresh unless one is already on its way.
  template <class Change>
  void note(const std::string& key, Change&& change) {
    bool post = false;
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      const auto it = shared_->row_of.find(key);
      if (it == shared_->row_of.end()) return;
      change(shared_->news[it->second]);
      post = !shared_->refresh_pending;
      shared_->refresh_pending = true;
    }
    if (post) QMetaObject::invokeMethod(queue_, [q = queue_] { q->refresh(); }, Qt::QueuedConnection);
  }

  BatchQueue* queue_;
  std::shared_ptr<Shared> shared_;
};

// ---------------------------------------------------------------------------
// The queue

BatchQueue::BatchQueue(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  table_ = new QTableWidget(0, 3, this);
  table_->setHorizontalHeaderLabels({tr("Input"), tr("Progress"), tr("Status")});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setColumnWidth(0, 220);
  table_->setColumnWidth(1, 200);
  table_->setAccessibleName(tr("Batch queue: one row per input; double-click a finished one to open it"));
  connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { openRow(row); });
  connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) {
    open_->setEnabled(row >= 0 && row < rowCount() && (state(row) == State::kDone || state(row) == State::kSkipped));
  });
  layout->addWidget(table_, 1);

  auto* bottom = new QHBoxLayout;
  summary_ = new QLabel(tr("No folder queued. File → Open folder… analyses every video and image in a folder."), this);
  summary_->setWordWrap(true);
  open_ = new QPushButton(tr("Open result"), this);
  open_->setToolTip(tr("Show the selected input's results in the analysis view (also: double-click its row)"));
  open_->setEnabled(false);
  connect(open_, &QPushButton::clicked, this, [this] { openRow(table_->currentRow()); });
  auto* folder = new QPushButton(tr("Show results folder"), this);
  connect(folder, &QPushButton::clicked, this, [this] {
    if (!out_dir_.isEmpty()) QDesktopServices::openUrl(QUrl::fromLocalFile(out_dir_));
  });
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setToolTip(tr("Stop the batch: inputs being analysed are left unfinished and done again next time"));
  cancel_->setEnabled(false);
  connect(cancel_, &QPushButton::clicked, this, &BatchQueue::cancel);
  bottom->addWidget(summary_, 1);
  bottom->addWidget(open_);
  bottom->addWidget(folder);
  bottom->addWidget(cancel_);
  layout->addLayout(bottom);
}

BatchQueue::~BatchQueue() {
  if (!thread_.joinable()) return;
  stop_->store(true);
  thread_.join();  // queued refreshes die with this object
}

bool BatchQueue::start(const RunOptions& run, const QString& folder, const QString& out_dir, QString* error, int jobs) {
  if (running()) {
    *error = tr("A batch is already running: wait for it or cancel it first.");
    return false;
  }
  if (!QFileInfo(folder).isDir()) {
    *error = tr("%1 is not a folder.").arg(folder);
    return false;
  }
  if (out_dir.isEmpty()) {
    *error = tr("No output folder was chosen.");
    return false;
  }
  auto inputs = collect_batch_inputs({sstr(folder)}, {}, sstr(out_dir));
  if (!inputs || inputs->empty()) {
    const bool none = !inputs ? find_media(sstr(folder)).empty() : true;
    *error = none ? tr("%1 has no videos or images.").arg(folder) : qstr(inputs.error().message);
    return false;
  }
  rows_.clear();
  table_->setRowCount(0);
  shared_ = std::make_shared<Shared>();
  for (const BatchInput& input : inputs.value()) {
    shared_->row_of.emplace(input.key, rowCount());
    rows_.emplace_back().input = input;
  }
  table_->setRowCount(rowCount());
  for (int row = 0; row < rowCount(); ++row) {
    auto* item = new QTableWidgetItem(qstr(rows_[row].input.key));
    item->setToolTip(qstr(rows_[row].input.path));
    table_->setItem(row, 0, item);
    table_->setCellWidget(row, 1, new QProgressBar(table_));
    table_->setItem(row, 2, new QTableWidgetItem);
    showRow(row);
  }
  out_dir_ = QDir(out_dir).absolutePath();
  fatal_.clear();
  BatchOptions options;
  options.out_dir = sstr(out_dir_);
  options.jobs = jobs > 0 ? jobs : default_batch_jobs();
  observer_ = std::make_unique<Observer>(this, shared_);
  stop_ = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([this, run, options, list = std::move(inputs).value(), observer = observer_.get(), stop = stop_] {
    auto report = std::make_shared<Result<BatchReport>>(
        run_batch(run, options, list, observer, [stop] { return stop->load(); }));
    QMetaObject::invokeMethod(this, [this, report] { onFinished(report); }, Qt::QueuedConnection);
  });
  cancel_->setEnabled(true);
  open_->setEnabled(false);
  showSummary();
  return true;
}

void BatchQueue::cancel() {
  if (!running() || stop_->load()) return;
  stop_->store(true);
  cancel_->setEnabled(false);
  showSummary();
}

QString BatchQueue::key(int row) const { return qstr(rows_.at(row).input.key); }
QString BatchQueue::inputPath(int row) const { return qstr(rows_.at(row).input.path); }
QString BatchQueue::resultDir(int row) const { return out_dir_ + "/" + key(row); }
QString BatchQueue::statusText(int row) const { return table_->item(row, 2)->text(); }
QProgressBar* BatchQueue::progress(int row) const { return qobject_cast<QProgressBar*>(table_->cellWidget(row, 1)); }
QString BatchQueue::summaryText() const { return summary_->text(); }

bool BatchQueue::openRow(int row) {
  if (row < 0 || row >= rowCount() || (state(row) != State::kDone && state(row) != State::kSkipped)) return false;
  emit openRequested(inputPath(row), resultDir(row));
  return true;
}

void BatchQueue::refresh() {
  std::map<int, Shared::News> news;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    news.swap(shared_->news);
    shared_->refresh_pending = false;
  }
  for (auto& [row, n] : news) {
    Row& r = rows_[row];
    if (n.started) {
      r.state = State::kRunning;
      r.total = n.total;
    }
    if (n.processed >= 0) r.processed = n.processed;
    if (n.ended) {
      const BatchItem& item = *n.ended;
      switch (item.status) {
        case BatchStatus::kDone: r.state = State::kDone; break;
        case BatchStatus::kSkipped: r.state = State::kSkipped; break;
        case BatchStatus::kFailed: r.state = State::kFailed; break;
        case BatchStatus::kInterrupted: r.state = State::kInterrupted; break;
      }
      r.error = qstr(item.error);
      r.warning = qstr(item.warning);
      r.frames = item.frames;
      r.persons = item.persons;
    }
    showRow(row);
  }
  if (!news.empty()) {
    const int current = table_->currentRow();
    open_->setEnabled(current >= 0 && (state(current) == State::kDone || state(current) == State::kSkipped));
    showSummary();
  }
}

void BatchQueue::onFinished(std::shared_ptr<Result<BatchReport>> report) {
  refresh();
  thread_.join();
  if (!*report) fatal_ = qstr(report->error().message);
  // Inputs the run never reached (cancelled, or the batch stopped) have no end reported.
  for (int row = 0; row < rowCount(); ++row) {
    Row& r = rows_[row];
    if (r.state != State::kWaiting && r.state != State::kRunning) continue;
    r.state = State::kInterrupted;
    showRow(row);
  }
  cancel_->setEnabled(false);
  showSummary();
  int counts[6] = {};
  for (const Row& r : rows_) ++counts[static_cast<int>(r.state)];
  if (!fatal_.isEmpty()) emit errorOccurred(tr("Batch"), tr("The batch stopped: %1").arg(fatal_));
  emit finished(counts[static_cast<int>(State::kDone)], counts[static_cast<int>(State::kSkipped)],
                counts[static_cast<int>(State::kFailed)], counts[static_cast<int>(State::kInterrupted)]);
}

void BatchQueue::showRow(int row) {
  const Row& r = rows_[row];
  QProgressBar* bar = progress(row);
  QString status;
  switch (r.state) {
    case State::kWaiting:
      bar->setRange(0, 1);
      bar->setValue(0);
      bar->setFormat(QString());
      status = tr("waiting");
      break;
    case State::kRunning:
      bar->setRange(0, r.total > 0 ? static_cast<int>(r.total) : 0);  // busy when the length is unknown
      bar->setValue(static_cast<int>(r.total > 0 ? std::min(r.processed, r.total) : r.processed));
      bar->setFormat(r.total > 0 ? tr("%v / %m frames") : tr("%1 frames").arg(r.processed));
      status = tr("running");
      break;
    case State::kDone:
    case State::kSkipped:
      bar->setRange(0, static_cast<int>(std::max(1L, r.frames)));
      bar->setValue(bar->maximum());
      bar->setFormat(r.frames == 1 ? tr("1 frame") : tr("%1 frames").arg(r.frames));
      status = r.state == State::kDone ? tr("done") : tr("skipped: already done");
      if (!r.warning.isEmpty()) status += "; " + tr("warning: %1").arg(r.warning);
      break;
    case State::kFailed:
      bar->setRange(0, 1);
      bar->setValue(0);
      bar->setFormat(QString());
      status = tr("failed: %1").arg(r.error);
      break;
    case State::kInterrupted:
      bar->setFormat(r.processed > 0 ? tr("stopped at %1").arg(r.processed) : QString());
      if (bar->maximum() == 0) bar->setRange(0, 1);
      status = fatal_.isEmpty() ? tr("cancelled: done again next time") : tr("not analysed: the batch stopped");
      break;
  }
  QTableWidgetItem* item = table_->item(row, 2);
  item->setText(status);
  item->setToolTip(status);
  table_->item(row, 0)->setToolTip(r.state == State::kDone || r.state == State::kSkipped
                                       ? tr("%1\nDouble-click to open its results").arg(qstr(r.input.path))
                                       : qstr(r.input.path));
}

void BatchQueue::showSummary() {
  int done = 0, skipped = 0, failed = 0;
  for (const Row& r : rows_) {
    done += r.state == State::kDone || r.state == State::kSkipped ? 1 : 0;
    skipped += r.state == State::kSkipped ? 1 : 0;
    failed += r.state == State::kFailed ? 1 : 0;
  }
  QString text = skipped > 0 ? tr("%1 of %2 done (%3 already done before), %4 failed").arg(done).arg(rowCount()).arg(skipped).arg(failed)
                             : tr("%1 of %2 done, %3 failed").arg(done).arg(rowCount()).arg(failed);
  if (!fatal_.isEmpty()) text += " — " + tr("stopped: %1").arg(fatal_);
  else if (running()) text += " — " + (stop_->load() ? tr("cancelling…") : tr("running"));
  else if (done + failed < rowCount()) text += " — " + tr("cancelled");
  summary_->setText(text + "\n" + tr("Results in %1").arg(out_dir_));
}

}  // namespace emoscope::ui
