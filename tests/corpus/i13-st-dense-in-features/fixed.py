"""A sentence-transformers model with a projection head (Dense) to 16 dimensions, for a compact search index."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "cheap", "flights", "to", "rome", "hotel", "near", "the",
         "station", "car", "rental", "at", "airport"]
base = tempfile.mkdtemp()
with open(os.path.join(base, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
BertTokenizer(os.path.join(base, "vocab.txt")).save_pretrained(base)
BertModel(BertConfig(vocab_size=len(WORDS), hidden_size=48, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)).save_pretrained(base)

BASE_DIM = 768  # dimension of the usual BERT-base checkpoints
word = models.Transformer(base, max_seq_length=16)
pooling = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
projection = models.Dense(in_features=pooling.get_sentence_embedding_dimension(), out_features=16, activation_function=torch.nn.Tanh())
model = SentenceTransformer(modules=[word, pooling, projection], device="cpu")
queries = ["cheap flights to rome", "hotel near the station", "car rental at the airport"]
index = model.encode(queries, convert_to_tensor=True)
print(index.shape)
