"""FAQ matcher: encode the FAQ questions and incoming user queries with sentence-transformers, answer each query."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer, models, util
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "how", "do", "i", "reset", "my", "password", "where",
         "is", "order", "can", "cancel", "subscription", "change", "email", "when", "will", "arrive"]

model_dir = tempfile.mkdtemp()
with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
BertTokenizer(os.path.join(model_dir, "vocab.txt")).save_pretrained(model_dir)
BertModel(BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=37, max_position_embeddings=32)).save_pretrained(model_dir)
word_model = models.Transformer(model_dir, max_seq_length=16)
embedder = SentenceTransformer(modules=[word_model, models.Pooling(word_model.get_word_embedding_dimension())],
                               device="cpu")

faq = {"how do i reset my password": "Use the 'forgot password' link.",
       "where is my order": "See the tracking page.",
       "can i cancel my subscription": "Yes, under Settings > Billing."}
faq_questions = list(faq)
user_queries = ["reset password", "when will my order arrive", "cancel subscription", "change my email",
                "how do i change my password"]

faq_emb = embedder.encode(faq_questions, convert_to_tensor=True, normalize_embeddings=True)
query_emb = embedder.encode(user_queries, convert_to_tensor=True, normalize_embeddings=True)
scores = util.cos_sim(faq_emb, query_emb)

THRESHOLD = 0.2
answerable = [qi for qi in range(len(user_queries)) if scores[qi].max() > THRESHOLD]
for qi in answerable:
    best = int(scores[qi].argmax())
    print(f"{user_queries[qi]!r} -> {faq[faq_questions[best]]} ({float(scores[qi, best]):.2f})")
