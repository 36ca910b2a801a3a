" Syntax of chart templates (filetype helm): YAML with Go template actions in
" {{ }} or << >> (charts with the kubectl-chart.io/delimiters annotation).
" An << >> action must close on the same line, so YAML merge keys (<<: *x) and
" shell heredocs (cat <<EOF) are left alone.
if exists('b:current_syntax')
  finish
endif

runtime! syntax/yaml.vim
unlet! b:current_syntax

syn case match

syn keyword helmKeyword contained if else range with define template block end break continue
syn keyword helmConstant contained true false nil
syn keyword helmBuiltinFunction contained and or not len index slice print printf println html js urlquery call eq ne lt le gt ge
syn match helmFunction contained /\%([.$[:alnum:]_]\)\@<![[:alpha:]_][[:alnum:]_]*/ contains=helmKeyword,helmConstant,helmBuiltinFunction
" a field, unless it is a built-in object (the later definition wins)
syn match helmField contained /\.[[:alpha:]_][[:alnum:]_]*/
syn match helmBuiltinObject contained /\%([[:alnum:]_)\]]\)\@<!\.\%(Values\|Chart\|Release\|Capabilities\|Files\|Template\|Subcharts\)\>/
syn match helmVariable contained /\$[[:alnum:]_]*/
syn match helmNumber contained /\%([[:alnum:]_.$]\)\@<!-\?\d\+\%(\.\d\+\)\?\%([eE][-+]\?\d\+\)\?/
syn match helmOperator contained /:=\|=\||/
syn region helmString contained start=/"/ skip=/\\\\\|\\"/ end=/"/ oneline
syn region helmRawString contained start=/`/ end=/`/
syn match helmTrim contained /\%({{\|<<\)\@<=-\s\@=\|\s\@<=-\%(}}\|>>\)\@=/

syn cluster helmExpr contains=helmKeyword,helmConstant,helmBuiltinFunction,helmFunction,helmBuiltinObject,helmField,helmVariable,helmNumber,helmOperator,helmString,helmRawString,helmTrim

syn region helmAction matchgroup=helmDelimiter start=/{{/ end=/}}/ contains=@helmExpr containedin=ALLBUT,helmComment,helmString,helmRawString
syn region helmAction matchgroup=helmDelimiter start=/<<\%(\s*:\)\@!\%(.*>>\)\@=/ end=/>>/ contains=@helmExpr containedin=ALLBUT,helmComment,helmString,helmRawString
syn region helmComment start=/{{-\?\s*\/\*/ end=/\*\/\s*-\?}}/ containedin=ALLBUT,helmString,helmRawString
syn region helmComment start=/<<-\?\s*\/\*/ end=/\*\/\s*-\?>>/ containedin=ALLBUT,helmString,helmRawString

hi def link helmDelimiter Delimiter
hi def link helmKeyword Statement
hi def link helmConstant Constant
hi def link helmBuiltinFunction Function
hi def link helmFunction Function
hi def link helmBuiltinObject Special
hi def link helmField Identifier
hi def link helmVariable Identifier
hi def link helmNumber Number
hi def link helmOperator Operator
hi def link helmString String
hi def link helmRawString String
hi def link helmTrim Operator
hi def link helmComment Comment

let b:current_syntax = 'helm'
