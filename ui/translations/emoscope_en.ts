<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>emoscope::ui::AnalysisController</name>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis timeline: labels over time; click to seek</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a temporary folder: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2 frames, ETA %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done: %1 frames in %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped at %1 frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled at %1 frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no finished analysis to export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already has %2. Replace?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not exported: %1 already has %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done: %1 frames, read from %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::BatchQueue</name>
    <message>
        <source>Open folder: analyse every video and image in it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the results in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch queue: one row per input; double-click a finished one to open it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No folder queued. File → Open folder… analyses every video and image in a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the selected input&apos;s results in the analysis view (also: double-click its row)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show results folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the batch: inputs being analysed are left unfinished and done again next time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A batch is already running: wait for it or cancel it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No output folder was chosen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no videos or images.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The batch stopped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%v / %m frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped: already done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled: done again next time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not analysed: the batch stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
Double-click to open its results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 done (%3 already done before), %4 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 done, %3 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 frame</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::ErrorText</name>
    <message>
        <source>%1

%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an emotion model in Settings → Emotion model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Turn identities off in Settings → Identities, or reinstall Emoscope.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the file in Settings → Detector model, or another face detector.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record with the MJPEG codec instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The image or video is larger than Emoscope accepts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another file name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose Auto or CPU in Settings → Device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another folder in Settings → Recordings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change it in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::FaceCard</name>
    <message>
        <source>Rename, merge or split this person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Person actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tracks %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The person&apos;s clearest face so far</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::FacePanel</name>
    <message>
        <source>No faces in view.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Faces: one card per person with their label, confidence and chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name (empty: no name):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This face is not known as a person yet (identities off, or not recognised yet).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No other person to merge with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split track #%1 off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 into:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::MainActions</name>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start / stop the camera (Space)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record annotated video, CSV and JSON summary (R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the annotated frame as PNG (S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open video…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Videos (*.mp4 *.avi *.mkv *.mov *.webm *.m4v);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open image…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emoscope models (*.pt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export analysis…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export analysis to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presentation (full screen)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mirror camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Emoscope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look for cameras again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Camera: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save people…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saves the people you named in this session (%1) so that later sessions recognise them (Settings → Known people).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file holds face descriptors: biometric data. It stays on this machine, readable by you only; Emoscope never sends it anywhere. Delete the file to forget these people.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People galleries (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the named people to a file, to recognise them in later sessions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analyse every video and image in a folder into a results folder (a batch queue)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open results…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emoscope results (*.json *.csv *.mkv *.mp4 *.mov *.m4v *.avi *.webm);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show a finished analysis or recording (its summary, CSV or video) without analysing it again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTML reports (*.html);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a report (one HTML page with charts) of the finished analysis or recording</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::MainWindow</name>
    <message>
        <source>No emotion model loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Faces and settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Faces</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>saved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording saved in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop recording (R) before switching cameras.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened the first of %1 files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera found.

Open a video (Ctrl+O) or an image to analyse it, or connect a camera and choose Refresh.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera found: open a video or an image (Ctrl+O) instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Start (Space) to watch the camera, or open a video (Ctrl+O).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PAUSED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera was found. Open a video or an image (Ctrl+O) instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an image file this app can read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysing %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis cancelled; the frames analysed so far can be exported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis complete. Click the timeline to see any frame; Export saves the files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording was saved in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live view stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshot saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no finished analysis to export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %1-emoscope .mkv, .csv and .json to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frame %1 (%2 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Emoscope %1&lt;/h3&gt;&lt;p&gt;Reads facial expressions in real time.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;What the labels are not:&lt;/b&gt; a label is the expression that most people who annotated similar photos would name, and its confidence is how often such a label was right on held-out photos. It is not a clinical, diagnostic or affective-state measurement: a face labelled &quot;sad&quot; shows an expression, not a person who is sad. Do not use it to judge people.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Emoscope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the camera or open a video to tell people apart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identities are off (Settings → Identities).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Splitting works while a source runs: the track becomes a new person on its next frame.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no person to rename: identities are off or nothing has run yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no name now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is now called %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There are no two people to merge.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is now part of %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A track can only be split off while the source runs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There are no people: identities are off or nothing has run yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track #%1 becomes a new person on the next frame.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There are no people to save: identities are off or nothing has run yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No one is named yet. Rename people on their cards first: only named people are saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No file was chosen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the people you named (%1) to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the people you named (%1) to %2. Choose it in Settings → Known people to recognise them in later sessions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No emotion model is loaded. Choose one in Settings → Emotion model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysing %1 files of %2 into %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read any more: only its timeline is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;What &quot;neutral&quot; means:&lt;/b&gt; the models learnt from photos that ten people each labelled; a face reads as neutral until more people would name an expression than would call it neutral. A faint or ambiguous expression often reads as neutral, and no label measures how intense an expression is.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no video to show it from)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The video %1 cannot be read: only the timeline is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No video of this recording was found beside %1: only its timeline is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be found any more, and no video was found beside the results: only its timeline is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ends in rows cut short (%2 left out): the run that wrote it may have been stopped abruptly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No summary was found beside %1: the labels come from its columns.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results of %1, read from %2 (not analysed again).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click the timeline to see any frame.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is nothing to report on yet: analyse a video, record a session or open results first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A report is being written: wait for it to finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait for the analysis to finish, or cancel it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file for the report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The report could not be started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing the report %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report written: %1 (people: %2; %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No report has been written yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No browser could open %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::ModelCatalogue</name>
    <message>
        <source>%1 could not be loaded:
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (not installed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;No model loaded.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Model:&lt;/b&gt; %1 %2&lt;br&gt;&lt;b&gt;Labels:&lt;/b&gt; %3&lt;br&gt;&lt;b&gt;Test accuracy:&lt;/b&gt; %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;b&gt;Trained on:&lt;/b&gt; %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;b&gt;File:&lt;/b&gt; %1&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Happy / neutral / sad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Happy / sad (forced choice)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seven emotions</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::RecordingController</name>
    <message>
        <source>The recording could not be completed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● REC %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::ResultFiles</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an Emoscope frames file: it has no frame and success columns.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the summary %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The summary %1 cannot be read: %2 at byte %3 (the file is damaged or cut short).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an Emoscope summary: it has no header.format &quot;emoscope-summary&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a regular file (a FIFO, socket or device).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds no Emoscope results: choose a summary (.json), a CSV or a recording&apos;s video.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No results were found beside %1: neither %2.csv nor %3.csv is there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an Emoscope result: choose a summary (.json), a CSV or a recording&apos;s video.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The frames file %1 is missing: it holds every frame&apos;s faces, so %2 cannot be opened without it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds no analysed frame: the run that wrote it ended before its first frame, or the file is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::SessionController</name>
    <message>
        <source>The source ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The source could not be read any further: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera was lost: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Processing failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No emotion model is loaded. Choose one in Settings → Emotion model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another file, or clear it, in Settings → Known people.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::SettingsPanel</name>
    <message>
        <source>YuNet (DNN, shipped)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Haar cascade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SSD ResNet-10 (DNN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Face detector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detector model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detector models (*.onnx *.pb *.caffemodel);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emotion model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emoscope models (*.pt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Min. confidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detect every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CUDA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No CUDA device available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recordings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save recordings in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smoothing time in milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minimum confidence in percent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the face detector every N frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inference device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the detector&apos;s model file (Browse…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CUDA is not available on this machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The device stays as it was. </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The previous model (%1 %2) stays active.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is active.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model not loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model %1 %2 loaded (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(built-in cascade)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(shipped YuNet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell people apart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One card and one timeline row per person, recognised from face descriptors computed on this machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Known people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People galleries (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Known people file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As trained</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Higher (neutral needs 2× the evidence)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highest (neutral needs 4× the evidence)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models with a neutral label read a face as neutral until its expression is clear to most people. Higher sensitivity assumes neutral faces are rarer than in the training photos (a prior shift), so milder expressions are named; the confidences stay probabilities for that assumption. Recordings store the value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expression sensitivity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detector, model, smoothing, expression sensitivity, detection interval, device, identities and known people apply when the source (re)starts; the minimum confidence applies at once. Known people (File → Save people…) are face descriptors: biometric data that stays on this machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom (neutral prior × %1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::StatusFields</name>
    <message>
        <source>FPS –</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>detect – ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>classify – ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dropped 0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>device –</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FPS %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>detect %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>classify %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dropped %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>device %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::TimelineView</name>
    <message>
        <source>Click to show that frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No faces found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a video to analyse it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>emoscope::ui::VideoView</name>
    <message>
        <source>Video with face boxes and emotion labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The current frame; each face&apos;s label and confidence are also listed in Faces</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no frame to save yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
