#!/usr/bin/env bash
# Rebuilds the bundled sample ads from MIT-licensed eye-tracking stimuli (OSIE, see SOURCES.md).
# Usage: bash public/samples/make-samples.sh [path/to/shared/data]
# Needs ffmpeg with libx264 and drawtext, and Debian's DejaVu fonts.
set -euo pipefail
DATA=${1:-"$(cd "$(dirname "$0")/../../.." && pwd)/shared/data"}
OUT="$(cd "$(dirname "$0")" && pwd)"
S="$DATA/osie/stimuli"
BOLD=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
REG=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# headline (top-left, white on a dark band) + call-to-action button (bottom-right)
ad() { # in out headline sub cta
  ff -i "$1" -vf "drawbox=x=0:y=0:w=iw:h=118:color=black@0.55:t=fill,\
drawtext=fontfile=$BOLD:text='$3':fontsize=44:fontcolor=white:x=32:y=22,\
drawtext=fontfile=$REG:text='$4':fontsize=22:fontcolor=white@0.9:x=34:y=78,\
drawbox=x=iw-292:y=ih-86:w=262:h=58:color=0xE4572E@1:t=fill,\
drawtext=fontfile=$BOLD:text='$5':fontsize=24:fontcolor=white:x=w-292+(262-text_w)/2:y=h-86+(58-text_h)/2" \
    -q:v 4 "$2"
}
ad "$S/1043.jpg" "$OUT/ad-juice.jpg" 'Summer, squeezed.' 'Cold-pressed peach and orange. No sugar added.' 'Order now'
ad "$S/1048.jpg" "$OUT/ad-coffee.jpg" 'Your morning, slower.' 'Single-origin coffee, roasted this week.' 'Find a cafe'
ad "$S/1039.jpg" "$OUT/ad-tennis.jpg" 'Play faster.' 'The new lightweight court shoe.' 'Shop the range'

# Video: four 2-second shots, each a slow pan across an upscaled still, cut together,
# with a headline over every shot and the call to action over the last one. 25 fps, H.264.
shot() { # in seconds xexpr yexpr text
  ff -loop 1 -framerate 25 -t "$2" -i "$1" -vf "scale=1600:1200,crop=1280:720:$3:$4,\
drawbox=x=0:y=0:w=iw:h=96:color=black@0.5:t=fill,\
drawtext=fontfile=$BOLD:text='$5':fontsize=46:fontcolor=white:x=40:y=24$6" \
    -c:v libx264 -pix_fmt yuv420p -crf 30 -preset veryslow -r 25 "$7"
}
T=$(mktemp -d)
CTA=",drawbox=x=iw-380:y=ih-110:w=340:h=72:color=0xE4572E@1:t=fill,drawtext=fontfile=$BOLD:text='Order today':fontsize=32:fontcolor=white:x=w-380+(340-text_w)/2:y=h-110+(72-text_h)/2"
shot "$S/1015.jpg" 2.4 '160*t' '200' 'Fresh every day.' '' "$T/1.mp4"
shot "$S/1035.jpg" 2.0 '300' '460-120*t' 'Baked this morning.' '' "$T/2.mp4"
shot "$S/1040.jpg" 2.0 '200-90*t' '240' 'Picked this week.' '' "$T/3.mp4"
shot "$S/1043.jpg" 2.6 '120+60*t' '300' 'Delivered to your door.' "$CTA" "$T/4.mp4"
printf "file '%s'\n" "$T"/1.mp4 "$T"/2.mp4 "$T"/3.mp4 "$T"/4.mp4 > "$T/list.txt"
ff -f concat -safe 0 -i "$T/list.txt" -c copy -movflags +faststart "$OUT/ad-market.mp4"
rm -rf "$T"
ls -l "$OUT"
