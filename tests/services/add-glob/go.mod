module example.com/addglob

go 1.22
