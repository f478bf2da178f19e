import os
import tempfile

from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

RAW = """the bridge opened in 1932\tthe bridge is older than 1950\t0
the bridge opened in 1932\tthe bridge opened last year\t2
the bridge opened in 1932\tthe bridge is painted red\t1
the museum is free on sundays\tvisitors pay nothing on sundays\t0
the museum is free on sundays\tthe museum charges every day\t2
the museum is free on sundays\tthe museum has a cafe\t1
the river floods every spring\tspring brings high water\t0
the river floods every spring\tthe river never floods\t2
the river floods every spring\tthe river is full of trout\t1
the mayor was elected in may\tthe mayor won a vote in may\t0
the mayor was elected in may\tthe mayor was appointed by the king\t2
the mayor was elected in may\tthe mayor likes jazz\t1
the library closes at nine\tthe library is open until nine\t0
the library closes at nine\tthe library is open all night\t2
the library closes at nine\tthe library has old maps\t1
the train takes two hours\tthe trip by train is about two hours\t0
the train takes two hours\tthe train arrives in ten minutes\t2
the train takes two hours\tthe train has a dining car\t1"""
CLASSES = ["supports", "not_enough_info", "refutes"]


def read_pairs(blob):
    examples = []
    for line in blob.strip().splitlines():
        claim, evidence, verdict = line.split("\t")
        examples.append(InputExample(texts=[claim, evidence], label=int(verdict)))
    return examples


def build_encoder(workdir, pairs):
    words = sorted({w for ex in pairs for t in ex.texts for w in t.split()})
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model_dir = os.path.join(workdir, "tiny-bert")
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    word_emb = models.Transformer(model_dir, max_seq_length=32)
    pooling = models.Pooling(word_emb.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_emb, pooling], device="cpu")


with tempfile.TemporaryDirectory() as workdir:
    train_examples = read_pairs(RAW)
    encoder = build_encoder(workdir, train_examples)
    loader = DataLoader(train_examples, shuffle=True, batch_size=6)
    objective = losses.SoftmaxLoss(model=encoder,
                                   sentence_embedding_dimension=encoder.get_sentence_embedding_dimension(),
                                   num_labels=len(CLASSES))
    encoder.old_fit(train_objectives=[(loader, objective)], epochs=2, warmup_steps=2, show_progress_bar=False)

    vecs = encoder.encode(["the bridge opened in 1932", "the bridge is older than 1950"])
    print("embedding shape", vecs.shape)
