module example.com/seededdb

go 1.22
