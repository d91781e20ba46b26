#!/bin/sh
# Renders /etc/nginx/templates/NAME.template into /etc/nginx/conf.d/NAME, replacing only ${VARIABLES} that are set
# in the environment (nginx's own $variables stay), as the official image does.
set -e
template_dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
output_dir=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
[ -d "$template_dir" ] || exit 0
defined=$(awk 'END { for (name in ENVIRON) if (name ~ /^[A-Za-z_][A-Za-z0-9_]*$/) printf "${%s} ", name }' </dev/null)
for template in "$template_dir"/*"$suffix"; do
    [ -f "$template" ] || continue
    output=$output_dir/$(basename "$template" "$suffix")
    echo "$0: rendering $template to $output"
    envsubst "$defined" <"$template" >"$output"
done
