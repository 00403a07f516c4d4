#!/usr/bin/env bash
# The synthetic fidelity fixture (issue 5): every file type and attribute a container rootfs may
# hold, in one tree. Fixture.java runs it as root: bash fixture.sh ROOT OUTSIDE
#   ROOT     the tree to create (must not exist yet; its parent must)
#   OUTSIDE  an existing directory on the same file system but outside the synced folder: it gets
#            the second name of linked-outside (nlink 2, one name inside the folder)
# Order matters: content, then owner (chown clears setuid/setgid and security.capability), then
# mode, then capabilities, xattrs and ACLs, and the times last, children before their directory
# (creating an entry changes its directory's mtime). Names the Java side checks are ASCII and
# listed in Fixture.java; keep both in step.
set -euo pipefail
export LC_ALL=C   # bytes, not characters: bash's read mangles non-UTF-8 names in a UTF-8 locale
root=$1
outside=$2
mkdir -- "$root"
cd -- "$root"

# --- regular files and directories
: > empty
printf 'hello\n' > small.txt
mkdir -p tree/a/b/c tree/empty-dir
printf 'deep\n' > tree/a/b/c/deep.txt
printf '%s\n' {1..2000} > tree/a/numbers.txt
mkdir meta
for i in 1 2 3 4; do head -c 49152 /dev/urandom > "meta/m$i"; done   # small: would travel inline
head -c 8388608 /dev/urandom > meta/big.bin                         # 8 MiB: would be fetched

# --- special modes
mkdir bin sticky
head -c 3000 /dev/urandom > bin/suid
head -c 3000 /dev/urandom > bin/capped
printf 'x\n' > sticky/inside
mkdir setgid-dir

# --- symlinks (never followed: absolute and dangling targets included)
mkdir links
ln -s ../small.txt links/rel
ln -s /etc/hostname links/abs
ln -s does/not/exist links/dangling
ln -s ../tree links/timed
ln -s "$(printf 'x%.0s' {1..200})" links/long-target

# --- devices and FIFOs (rdev with major/minor above 255, up to the 12/20-bit maximum)
mkdir dev
mknod dev/null-like c 1 3
mknod dev/loop0 b 7 0
mknod dev/big-char c 300 70000
mknod dev/max-block b 4095 1048575
mkfifo dev/fifo

# --- hard links: a group of 3 names in different directories, and one name of a pair outside
mkdir -p hl/a hl/b
printf 'one inode, three names\n' > hl/a/one
ln hl/a/one hl/b/two
ln hl/a/one hl-three
printf 'the other name is outside the folder\n' > linked-outside
ln linked-outside "$outside/linked-outside.$(basename -- "$root")"

# --- sparse: 64 MiB with four data regions (one unaligned), and 32 MiB of hole only
truncate -s 64M sparse.img
head -c 4096 /dev/urandom | dd of=sparse.img conv=notrunc status=none
head -c 1048576 /dev/urandom | dd of=sparse.img bs=1M seek=16 conv=notrunc status=none
head -c 5000 /dev/urandom | dd of=sparse.img bs=1 seek=$((40 * 1048576 + 123)) conv=notrunc status=none
head -c 4096 /dev/urandom | dd of=sparse.img bs=4096 seek=$((64 * 256 - 1)) conv=notrunc status=none
truncate -s 32M hole-only.img

# --- names that are bytes, not UTF-8
mkdir names
printf 'ff fe\n' > names/$'\xff\xfe'
printf 'latin-1\n' > names/$'caf\xe9'
mkdir -p names/$'dir-\xe9\xff'/$'\x80sub'
printf 'inside a non-UTF-8 directory\n' > names/$'dir-\xe9\xff'/inner
printf 'deeper\n' > names/$'dir-\xe9\xff'/$'\x80sub'/$'f\xc3\x28'
ln -s $'caf\xe9' names/$'link-\xff'
printf 'tab and newline\n' > names/$'tab\there new\nline'
printf 'utf-8\n' > names/'grüße ✓'
mkfifo names/$'fifo-\xfe'

# --- owners: numeric ids that exist nowhere (uid-shifted containers), up to 2^32-2
mkdir owners
printf 'a\n' > owners/u100000;  chown 100000:100000 owners/u100000
printf 'b\n' > owners/u165534;  chown 165534:165534 owners/u165534
printf 'c\n' > owners/nobodyish; chown 4294967294:4294967294 owners/nobodyish
mkdir owners/dir;               chown 100000:165534 owners/dir
ln -s u100000 owners/link;      chown -h 165534:100000 owners/link
mknod owners/dev c 10 200;      chown 100000:100000 owners/dev
chown 100000:100000 dev/fifo hl/a/one

# --- modes
chmod 06755 bin/suid
chmod 0755 bin/capped
chmod 01777 sticky
chmod 02775 setgid-dir
chmod 0600 meta/m1
chmod 0640 meta/m2 dev/big-char
chmod 0620 dev/fifo
chmod 0444 tree/a/numbers.txt
chmod 0700 tree/a/b

# --- capabilities, xattrs (user., trusted., security.; binary and large values; on dirs, symlinks, devices)
setfattr -n security.capability -v 0x0100000200200000000000000000000000000000 bin/capped   # = setcap cap_net_raw+ep
setfattr -n user.comment -v 'a user xattr' small.txt
setfattr -n user.binary -v 0x00ff00fe0a small.txt
setfattr -n user.big -v "0s$(head -c 3000 /dev/urandom | base64 -w0)" meta/m3
setfattr -n trusted.overlay.opaque -v y tree/empty-dir
setfattr -n trusted.syncnode.test -v 'on a symlink' -h links/rel
setfattr -n trusted.dev -v 'on a device' dev/loop0
setfattr -n user.dir -v 'on a directory' tree
setfattr -n user.name -v $'caf\xe9' names/$'caf\xe9'
setfattr -n user.shared -v 'one inode' hl/b/two

# --- POSIX ACLs: access ACL on a file, default ACL on a directory (and what a child inherits)
mkdir acl
printf 'acl\n' > acl/file
setfacl -m u:1000:rw-,u:100000:r--,g:2000:r--,m::rw- acl/file
mkdir acl/dir
setfacl -m u:1000:rwx acl/dir
setfacl -d -m u:1000:rwx,g:2000:r-x,o::--- acl/dir
printf 'inherits the default ACL\n' > acl/dir/child
mkdir acl/dir/subdir

# --- times last, in ns, children before their directory; each entry its own time
i=0
find . -depth -print0 | while IFS= read -r -d '' p; do
  i=$((i + 1))
  touch -h -d "@$((1300000000 + i * 86400)).$(printf '%09d' $(( (i * 7919 + 1) % 1000000000 )))" -- "$p"
done
touch -h -d '@1234567890.123456789' links/timed
touch -h -d '@1234567890.987654321' links
