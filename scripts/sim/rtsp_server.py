#!/usr/bin/python3
"""Simulated RTSP cameras on GStreamer's RTSP server, driven by the Node camera farm.

Run with Debian's own /usr/bin/python3 (python3-gi lives there). The farm writes JSON commands,
one per line, on stdin and reads JSON replies and events, one per line, on stdout:

  {"id": 1, "cmd": "start", "cameras": [ {camera}, ... ]}  -> {"id": 1, "ok": true, "ports": {"name": port}}
  {"id": 2, "cmd": "fault", "name": "cam01", "fault": "frozen"} -> {"id": 2, "ok": true}

A camera is one GstRTSPServer on its own address and port, with mounts /main and /sub, so one
camera can be switched off (connections refused) without touching the others. Live cameras encode
videotestsrc with the camera's name and a running clock burnt in; "udp" cameras repacketise an
RTP loop that the farm pushes to a UDP port (far cheaper, for many cameras).

The process ends when stdin closes or its parent dies, so no camera outlives the farm.
"""
import ctypes
import json
import random
import signal
import socket
import string
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

PROFILES = ("main", "sub")
# ARGB: a slate-blue sky for the healthy picture, so a mostly empty frame is never taken for black.
BACKGROUND = 0xFF2F4F6F
BLACK = 0xFF000000


def die_with_parent():
    """Linux: get SIGTERM when the farm process dies, even by SIGKILL."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def reply(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def live_launch(camera, profile):
    """videotestsrc -> name + clock overlay -> encoder -> RTP payloader, for one profile."""
    p = camera[profile]
    if camera["codec"] == "h265":
        encoder = (
            f"x265enc tune=zerolatency speed-preset=ultrafast key-int-max={p['gop']} bitrate={p['bitrateKbps']} "
            f"! video/x-h265,profile=main ! rtph265pay name=pay0 pt=96 config-interval=1"
        )
    else:
        encoder = (
            f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={p['gop']} bitrate={p['bitrateKbps']} "
            f"! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1"
        )
    font = max(8, p["height"] // 18)
    return (
        f"( videotestsrc name=src is-live=true pattern=ball background-color={BACKGROUND} "
        f"! video/x-raw,width={p['width']},height={p['height']},framerate={p['fps']}/1 "
        f'! textoverlay name=label text="{escape(camera["name"])} {profile}" valignment=top halignment=left '
        f'font-desc="Sans {font}" shaded-background=true '
        f'! clockoverlay name=clock valignment=bottom halignment=right time-format="%H:%M:%S" font-desc="Sans {font}" '
        f"! videoconvert ! {encoder} )"
    )


def udp_launch(camera, profile):
    """RTP over UDP from the farm's ffmpeg pusher -> depayload -> parse -> RTP payloader."""
    port = camera[profile]["udpPort"]
    name = "H265" if camera["codec"] == "h265" else "H264"
    depay, parse, pay = (f"rtp{name.lower()}depay", f"{name.lower()}parse", f"rtp{name.lower()}pay")
    caps = f"application/x-rtp,media=video,clock-rate=90000,encoding-name={name},payload=96"
    return (
        f'( udpsrc port={port} address=127.0.0.1 caps="{caps}" '
        # While nobody watches, nothing drains the payloader: the leaky queue drops old frames
        # instead of piling them up (and udpsrc's socket with them) to replay as stale video.
        f"! {depay} ! {parse} ! queue leaky=downstream max-size-time=200000000 max-size-buffers=0 max-size-bytes=0 "
        f"! {pay} name=pay0 pt=96 config-interval=1 )"
    )


def play_pipeline(media):
    pipeline = media.get_element().get_parent()
    if pipeline is not None:
        pipeline.set_state(Gst.State.PLAYING)
    return False


def keep_playing(media, state):
    """The RTSP server pauses a media when its last client leaves; an always-on one plays on."""
    if state == Gst.State.PAUSED:
        GLib.idle_add(play_pipeline, media)


def drop_stale_preroll(media):
    """The buffer that prerolled the media stays blocked in the payloader until the first client
    plays: a key frame from when the farm started. A real camera sends what it encodes now, so
    drop buffers more than half a second old, until the first fresh one passes."""
    pipeline = media.get_element().get_parent()

    def probe(_pad, info):
        clock = pipeline.get_clock()
        pts = info.get_buffer().pts
        if clock is None or pts == Gst.CLOCK_TIME_NONE:
            return Gst.PadProbeReturn.REMOVE
        age = clock.get_time() - pipeline.get_base_time() - pts
        return Gst.PadProbeReturn.DROP if age > Gst.SECOND // 2 else Gst.PadProbeReturn.REMOVE

    media.get_element().get_by_name("pay0").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, probe)


def prepare_and_play(media):
    """Note: the frame that prerolled the media stays blocked in the payloader until the first
    client plays, so that first session after start begins with a stale key frame (benchmarks
    watch each camera once before measuring)."""
    if media.prepare(None):
        drop_stale_preroll(media)
        GLib.idle_add(play_pipeline, media)


class MountFactory(GstRtspServer.RTSPMediaFactory):
    """Shares one media per mount whatever the query string, as a camera ignores parameters it does
    not know (GStreamer's default key includes the query: a second pipeline would then bind the
    same UDP port and one of the two would get nothing). Benchmarks register one farm camera under
    several addresses (/main?fan=N) to reach hundreds of relays without hundreds of pipelines.
    Used only when the farm asks for it (shareAcrossQueries)."""

    def do_gen_key(self, url):
        return url.abspath


AUDIO_ONLY = "( audiotestsrc is-live=true wave=silence ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay0 pt=8 )"


class Camera:
    def __init__(self, spec):
        self.spec = spec
        self.name = spec["name"]
        self.fault = "none"
        self.media = []  # live media of this camera, to re-style on a fault change
        self.server = GstRtspServer.RTSPServer()
        self.server.set_address(spec["host"])
        self.server.set_service(str(spec.get("port", 0)))
        self.source_id = None
        self.hang_socket = None
        self.hang_watch = None
        self.held = []
        self.password = spec.get("password") or ""
        self.video_factories = {p: self._factory(self._launch(p)) for p in PROFILES}
        self.audio_factories = {p: self._factory(AUDIO_ONLY) for p in PROFILES}
        self._mount(self.video_factories)
        self._apply_auth(self.password)
        self.attach()
        # Later re-attaches (after "offline") must come back on the same port.
        self.port = self.server.get_bound_port()
        self.server.set_service(str(self.port))
        self._keep_encoders_running()

    def _keep_encoders_running(self):
        """A real camera's encoder runs whether or not anyone watches: DESCRIBE is answered at once
        and PLAY joins the live stream where it is. A clip camera's shared media is prepared now and
        held prepared (the prepare count we keep means the last client leaving never unprepares it),
        and kept PLAYING while nobody watches, so no stale backlog piles up to be replayed to the next
        client. Otherwise each first client would wait for the loop's next key frame to build the
        SDP, and a burst of clients would need dozens of preparations at once (503s)."""
        if self.spec["source"] != "udp":
            return  # live cameras encode in GStreamer: too costly to keep running unwatched
        for profile in PROFILES:
            if not self.spec[profile].get("pushed"):
                continue
            _, url = GstRtsp.RTSPUrl.parse(f"rtsp://{self.spec['host']}:{self.port}/{profile}")
            media = self.video_factories[profile].construct(url)
            if media is not None:
                media.connect("new-state", keep_playing)
                # prepare() blocks until the pipeline has prerolled, which needs this main loop
                # running (the media's bus watch is on it): wait in a thread of its own.
                threading.Thread(target=prepare_and_play, args=(media,), daemon=True).start()

    def _launch(self, profile):
        return udp_launch(self.spec, profile) if self.spec["source"] == "udp" else live_launch(self.spec, profile)

    def _factory(self, launch):
        factory = MountFactory() if self.spec.get("shareAcrossQueries") else GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        # One pipeline serves every client of a mount, as a real camera's encoder does.
        factory.set_shared(True)
        factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
        factory.connect("media-configure", self._on_media)
        if self.spec.get("auth", "none") != "none":
            permissions = GstRtspServer.RTSPPermissions()
            permissions.add_role_from_structure(
                Gst.Structure.new_from_string("user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")
            )
            factory.set_permissions(permissions)
        return factory

    def _mount(self, factories):
        mounts = self.server.get_mount_points()
        for profile in PROFILES:
            mounts.remove_factory(f"/{profile}")
            mounts.add_factory(f"/{profile}", factories[profile])

    def _apply_auth(self, password):
        method = self.spec.get("auth", "none")
        if method == "none":
            return
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        if method == "digest":
            auth.add_digest(self.spec["username"], password, token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        else:
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(self.spec["username"], password), token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        self.server.set_auth(auth)

    def _on_media(self, _factory, media):
        self.media.append(media)
        media.connect("unprepared", lambda m: self.media.remove(m) if m in self.media else None)
        self._style(media)

    def _style(self, media):
        """Frozen = a still picture (a solid colour with the camera's name, no clock);
        black = black with no overlay; otherwise a moving ball and a running clock."""
        element = media.get_element()
        src = element.get_by_name("src")
        if src is None:  # udp and audio-only media have nothing to restyle
            return
        if self.fault == "frozen":
            src.set_property("pattern", "solid-color")
            src.set_property("foreground-color", BACKGROUND)
        elif self.fault == "black":
            src.set_property("pattern", "black")
            src.set_property("background-color", BLACK)
        else:
            src.set_property("pattern", "ball")
            src.set_property("background-color", BACKGROUND)
        visible = {"label": self.fault != "black", "clock": self.fault not in ("frozen", "black")}
        for name, show in visible.items():
            overlay = element.get_by_name(name)
            if overlay is not None:
                overlay.set_property("silent", not show)

    def attach(self):
        if self.source_id is None:
            self.source_id = self.server.attach(None)

    def detach(self):
        if self.source_id is not None:
            GLib.source_remove(self.source_id)
            self.source_id = None
        # Existing sessions end too, as when a camera loses power.
        self.server.client_filter(lambda _server, _client, *_: GstRtspServer.RTSPFilterResult.REMOVE)

    def start_hang(self):
        """Accept connections and never answer: a camera whose firmware has locked up."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.spec["host"], self.port))
        sock.listen(64)
        sock.setblocking(False)
        self.hang_socket = sock

        def on_accept(_fd, _cond):
            try:
                conn, _ = sock.accept()
                self.held.append(conn)
            except OSError:
                pass
            return True

        self.hang_watch = GLib.io_add_watch(sock.fileno(), GLib.IO_IN, on_accept)

    def stop_hang(self):
        if self.hang_watch is not None:
            GLib.source_remove(self.hang_watch)
            self.hang_watch = None
        for conn in self.held:
            conn.close()
        self.held = []
        if self.hang_socket is not None:
            self.hang_socket.close()
            self.hang_socket = None

    def set_fault(self, fault):
        previous, self.fault = self.fault, fault
        if previous in ("offline", "hang") or fault in ("offline", "hang"):
            self.stop_hang()
            self.detach()
            if fault == "hang":
                self.start_hang()
            elif fault != "offline":
                self.attach()
        if (previous == "no-video") != (fault == "no-video"):
            self._mount(self.audio_factories if fault == "no-video" else self.video_factories)
            self.server.client_filter(lambda _server, _client, *_: GstRtspServer.RTSPFilterResult.REMOVE)
        wrong = "".join(random.choice(string.ascii_letters) for _ in range(24))
        self._apply_auth(wrong if fault == "wrong-password" else self.password)
        for media in list(self.media):
            self._style(media)


class Farm:
    def __init__(self, loop):
        self.loop = loop
        self.cameras = {}
        self.buffer = b""

    def handle(self, message):
        cmd = message.get("cmd")
        if cmd == "start":
            for spec in message["cameras"]:
                self.cameras[spec["name"]] = Camera(spec)
            return {"ports": {name: cam.port for name, cam in self.cameras.items()}}
        if cmd == "fault":
            self.cameras[message["name"]].set_fault(message["fault"])
            return {}
        if cmd == "stop":
            self.loop.quit()
            return {}
        raise ValueError(f"unknown command {cmd!r}")

    def on_stdin(self, fd, condition):
        if condition & (GLib.IO_HUP | GLib.IO_ERR):
            data = b""
        else:
            try:
                data = sys.stdin.buffer.raw.read(65536)
            except BlockingIOError:
                return True
        if not data:  # the farm closed our stdin or died
            self.loop.quit()
            return False
        self.buffer += data
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            if not line.strip():
                continue
            message = json.loads(line)
            try:
                reply({"id": message.get("id"), "ok": True, **self.handle(message)})
            except Exception as err:  # report, keep serving the other cameras
                reply({"id": message.get("id"), "ok": False, "error": f"{type(err).__name__}: {err}"})
        return True


def main():
    die_with_parent()
    Gst.init(None)
    loop = GLib.MainLoop()
    farm = Farm(loop)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, farm.on_stdin)
    reply({"event": "alive"})
    loop.run()
    for camera in farm.cameras.values():
        camera.stop_hang()
        camera.detach()


if __name__ == "__main__":
    main()
