module example.com/dircontents

go 1.22
