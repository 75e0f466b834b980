#include "lake/store/xml_text.h"

#include <gtest/gtest.h>

namespace tributary::lake {
namespace {

TEST(XmlText, S3ErrorDocument) {
  constexpr std::string_view kBody =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
      "does not match the signature you provided. Check your key &amp; signing method."
      "</Message><Key>a/b.json</Key><BucketName>lake</BucketName><Resource>/lake/a/b.json"
      "</Resource><RequestId>17A2B</RequestId><HostId>dd9025</HostId></Error>";
  auto err = ParseXmlError(kBody);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, "SignatureDoesNotMatch");
  EXPECT_EQ(err->message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your key & signing method.");
  EXPECT_EQ(err->request_id, "17A2B");
}

TEST(XmlText, StsErrorResponse) {
  constexpr std::string_view kBody =
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender"
      "</Type><Code>InvalidIdentityToken</Code><Message>No OpenIDConnect provider found"
      "</Message></Error><RequestId>abc-1</RequestId></ErrorResponse>";
  auto err = ParseXmlError(kBody);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, "InvalidIdentityToken");
  EXPECT_EQ(err->message, "No OpenIDConnect provider found");
  EXPECT_EQ(err->request_id, "abc-1");
}

TEST(XmlText, NoErrorElement) {
  EXPECT_FALSE(ParseXmlError(""));
  EXPECT_FALSE(
      ParseXmlError("<CompleteMultipartUploadResult><ETag>x</ETag>"
                    "</CompleteMultipartUploadResult>"));
  EXPECT_FALSE(ParseXmlError("<Errors>nope</Errors>"));   // a different tag
  EXPECT_FALSE(ParseXmlError("<Error><Code>Truncated"));  // no closing tag
}

TEST(XmlText, ListingElementsAndAttributes) {
  constexpr std::string_view kBody =
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<IsTruncated>true</IsTruncated>"
      "<Contents><Key>a%2Bb</Key><Size>3</Size><ETag>&quot;e1&quot;</ETag></Contents>"
      "<Contents><Key>c</Key><Size>12</Size><ETag>&#34;e2&#x22;</ETag></Contents>"
      "<NextContinuationToken>tok/=</NextContinuationToken><Prefix/></ListBucketResult>";
  auto contents = XmlAll(kBody, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlFirst(contents[0], "Key"), "a%2Bb");
  EXPECT_EQ(XmlFirst(contents[0], "ETag"), "\"e1\"");
  EXPECT_EQ(XmlFirst(contents[1], "ETag"), "\"e2\"");
  EXPECT_EQ(XmlFirst(kBody, "ListBucketResult").has_value(), true);  // with attributes
  EXPECT_EQ(XmlFirst(kBody, "Prefix"), "");                          // self-closing
  EXPECT_EQ(XmlFirst(kBody, "NextContinuationToken"), "tok/=");
  EXPECT_FALSE(XmlFirst(kBody, "Missing"));
  EXPECT_FALSE(XmlFirst(kBody, "Key").value_or("") == "c");  // first only
}

TEST(XmlText, EscapeRoundTripAndBadEntities) {
  std::string s = "a<b>&\"c'\xC3\xA9";
  EXPECT_EQ(XmlUnescape(XmlEscape(s)), s);
  EXPECT_EQ(XmlUnescape("&#233;&#x1F600;"), "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(XmlUnescape("&bogus; & &#xZZ;"), "&bogus; & &#xZZ;");
}

}  // namespace
}  // namespace tributary::lake
