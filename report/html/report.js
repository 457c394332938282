/* SPDX-License-Identifier: Apache-2.0 */
/* The HTML case report's script (report/report_html.c), built into the page by Makefile.am: click a
 * column heading to sort (again to reverse), type in a table's box to filter its rows (every word must
 * occur). Cells sort by data-sort when they have it; a column whose keys are all numbers sorts numerically. The test
 * hook writes each table's row count (and, with #selftest in the address, the outcome of sorting and
 * filtering every table) as JSON into #test-hook, where tests/e2e/html.sh reads it from headless Chromium. */
(function () {
	'use strict';
	var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
	function key(row, col) {
		var td = row.cells[col];
		if (!td) return '';
		var s = td.getAttribute('data-sort');
		return s !== null ? s : td.textContent;
	}
	function numeric(rows, col) { /* a column sorts as numbers when every key in it is one */
		return rows.every(function (r) { var k = key(r, col); return k !== '' && !isNaN(Number(k)); });
	}
	function cmp(num, a, b) {
		if (num) return Number(a) - Number(b);
		return a < b ? -1 : a > b ? 1 : 0;
	}
	function sortTable(table, col, dir) {
		var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows), num = numeric(rows, col);
		rows.forEach(function (r, i) { r.dataset.i = i; });
		rows.sort(function (p, q) { return dir * cmp(num, key(p, col), key(q, col)) || p.dataset.i - q.dataset.i; });
		rows.forEach(function (r) { body.appendChild(r); });
		each(table.tHead.rows[0].cells, function (th, i) {
			if (i === col) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
			else th.removeAttribute('aria-sort');
		});
	}
	function filterTable(table, text) {
		var words = text.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
		each(table.tBodies[0].rows, function (r) {
			var t = r.textContent.toLowerCase();
			var ok = words.every(function (w) { return t.indexOf(w) >= 0; });
			r.hidden = !ok;
			shown += ok ? 1 : 0;
		});
		var out = document.getElementById(table.id + '-shown');
		if (out) out.textContent = words.length ? shown + ' of ' + table.tBodies[0].rows.length + ' shown' : '';
		return shown;
	}
	var tables = document.querySelectorAll('table.data');
	each(tables, function (table) {
		each(table.tHead.rows[0].cells, function (th, col) {
			th.addEventListener('click', function () {
				sortTable(table, col, th.getAttribute('aria-sort') === 'ascending' ? -1 : 1);
			});
		});
		var box = document.getElementById(table.id + '-filter');
		if (box) box.addEventListener('input', function () { filterTable(table, box.value); });
	});
	function selftest(table) { /* sorts by every column both ways, filters, then puts the rows back */
		var body = table.tBodies[0], n = body.rows.length, r = {sorted: true, filtered: true};
		var original = Array.prototype.slice.call(body.rows);
		for (var col = 0; col < table.tHead.rows[0].cells.length; col++)
			[1, -1].forEach(function (dir) {
				sortTable(table, col, dir);
				var rows = table.tBodies[0].rows, num = numeric(Array.prototype.slice.call(rows), col);
				for (var i = 1; i < rows.length; i++)
					if (dir * cmp(num, key(rows[i - 1], col), key(rows[i], col)) > 0) r.sorted = false;
				if (rows.length !== n) r.sorted = false;
			});
		var first = table.tBodies[0].rows[0].cells[0].textContent.trim().split(/\s+/)[0] || '';
		var hit = filterTable(table, first);
		if (hit < 1 || hit > n || filterTable(table, 'zq9-no-such-row-9qz') !== 0 || filterTable(table, '') !== n)
			r.filtered = false;
		original.forEach(function (row) { body.appendChild(row); });
		each(table.tHead.rows[0].cells, function (th) { th.removeAttribute('aria-sort'); });
		return r;
	}
	var hook = {rows: {}, selftest: null};
	each(tables, function (t) { hook.rows[t.id] = t.tBodies[0].rows.length; });
	if (location.hash === '#selftest') {
		hook.selftest = {};
		each(tables, function (t) { if (t.tBodies[0].rows.length) hook.selftest[t.id] = selftest(t); });
	}
	hook.elements = {};
	['script', 'img', 'svg', 'iframe', 'object', 'embed', 'a[href^="http"]'].forEach(function (q) {
		hook.elements[q] = document.querySelectorAll(q).length;
	});
	hook.title = document.title;
	var out = document.getElementById('test-hook');
	if (out) out.textContent = JSON.stringify(hook);
})();
