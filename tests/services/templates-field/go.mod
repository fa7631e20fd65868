module example.com/templatesfield

go 1.22
